#!/usr/bin/env bash
# The test command of the README and of CI: sets up everything on a fresh machine (a
# project-local virtualenv with moto, cfn-lint and parliament; the moto server with IAM
# enforcement on 127.0.0.1), then checks formatting and lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/emulator.sh start
# The emulator behaves like AWS where the tests rely on it (trust policies, expiry, errors).
.venv/bin/python scripts/probe_moto.py

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --all-targets
cargo test --workspace --doc
