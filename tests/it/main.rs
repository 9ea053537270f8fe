//! Integration tests, one binary: library-level engine tests against a brute-force oracle,
//! import error reporting on fixtures, and the `zaitaku` binary end to end.

mod answers;
mod api;
mod architecture;
mod browser;
mod builds;
mod cli;
mod coverage;
mod demo;
mod fetch;
mod fuzz;
mod import;
mod official;
mod operations;
mod oracle;
mod osaka;
mod pages;
mod prefecture;
mod replicas;
mod support;
mod survey;
mod team;
mod text;
mod todokede;
mod typo;
