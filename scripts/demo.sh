#!/usr/bin/env bash
# The main job of the README: starts the local AWS emulator (installing it on first use),
# provisions a demo vendor and customer account on it, checks the connection, runs the demo's
# Athena queries (a join, a CTAS, an INSERT ... SELECT, a CREATE VIEW) through a demo role
# granted ReadWrite with the library's athena_run_query operator, then scans the demo account's
# Glue Data Catalog, Athena, the query activity of those queries (activity, table popularity,
# lineage, Glue view lineage), S3 and DataZone into JSON Lines (progress and a summary on
# stderr) through the ReadOnly role, with the `chicory-aws` CLI. Extra arguments go to the scan,
# e.g. `--out other.jsonl` or `--json`. Exit code: the scan's (0 complete, 2 incomplete, 1
# failed).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/emulator.sh start
echo "demo: building the chicory-aws CLI (the first build compiles the AWS SDK crates:" \
     "4-5 minutes on 2 cores; later runs take seconds)..." >&2
cargo build -p chicory-aws-examples --bin chicory-aws
cli="${CARGO_TARGET_DIR:-target}/debug/chicory-aws"
# moto has no DataZone: with --demo, DataZone requests go to the test kit's DataZone fake on
# another loopback port, signed with the same assumed-role session.
"$cli" test-connection --demo --expect-table demo_sales.orders
# `scan --demo` seeds the demo catalog and runs the demo queries before it scans.
"$cli" scan --demo --out demo-scan.jsonl "$@"
