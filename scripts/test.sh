#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, then every test.
# Works on a fresh machine of this project's kind (Rust toolchain with rustfmt + clippy);
# later parts (browser tests) install their own Debian packages here.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
