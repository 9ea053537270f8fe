//! Any text as `dataset.toml`: no panic, and every error says something.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Err(e) = zaitaku::import::Manifest::parse(Path::new("dataset.toml"), s) {
        assert!(!e.reason.is_empty());
    }
});
