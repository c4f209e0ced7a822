#!/usr/bin/env bash
# The main job of the README: starts the local AWS emulator (installing it on first use),
# provisions a demo vendor and customer account on it, checks the connection, then scans the
# demo account's Glue Data Catalog, Athena, S3 and DataZone into JSON Lines (progress and a
# summary on stderr). Extra arguments go to the scan, e.g. `--out other.jsonl`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/emulator.sh start
# moto has no DataZone: with --demo, DataZone requests go to the test kit's DataZone fake on
# another loopback port, signed with the same assumed-role session.
cargo run -q -p chicory-aws-examples --bin test_connection -- --demo --expect-table demo_sales.orders
cargo run -q -p chicory-aws-examples --bin scan -- --demo --out demo-scan.jsonl "$@"
