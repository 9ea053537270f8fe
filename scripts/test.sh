#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need (scripts/setup.sh:
# Chromium + ChromeDriver + CJK fonts from Debian, the map library from npm), then
# formatting, lints and every test (unit, property, import, API on a real socket, the
# map page in headless Chromium), then the page's JS unit tests and ESLint.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
node --test web/test/
npm run --prefix web lint
