#!/usr/bin/env bash
# The corrupted-file matrix on the real Osaka files (../shared/data/osaka): each file
# damaged in eleven ways, each outcome a located error, a report line or an unchanged
# index. Not part of the test command (about a minute in release). Exits 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release --locked --example corrupt_matrix
