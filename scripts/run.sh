#!/usr/bin/env bash
# Runs the product: the map page and JSON API on http://127.0.0.1:8080, on the demo
# dataset (generated and indexed on first run). Extra arguments go to `zaitaku serve`,
# e.g. `./scripts/run.sh --index index/osaka --bind 0.0.0.0:8080`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh web
exec cargo run --release -- serve "$@"
