#!/usr/bin/env bash
# The main job of the README: starts the local AWS emulator (installing it on first use),
# provisions a demo vendor and customer account on it, and runs the job against it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/emulator.sh start
# moto has no DataZone; its probe joins when the DataZone fake serves the demo domain.
cargo run -q -p chicory-aws-examples --bin test_connection -- --demo --services glue,athena,s3 "$@"
