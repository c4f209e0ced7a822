#!/usr/bin/env bash
# The local AWS emulator for tests and the demo: moto's server with IAM enforcement on.
#
#   bash scripts/emulator.sh setup    # .venv with pinned moto[server], cfn-lint, parliament
#   bash scripts/emulator.sh start    # setup + start on 127.0.0.1:${CHICORY_MOTO_PORT:-5055}
#                                     # (reuses a running one), bootstrap admin, enable IAM auth
#   bash scripts/emulator.sh stop | status
#
# State (endpoint, admin keys of the emulator) goes to .emulator/state.json; log to
# .emulator/moto.log. Safe to call from several processes at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
dir="$root/.emulator"
port="${CHICORY_MOTO_PORT:-5055}"
endpoint="http://127.0.0.1:$port"
req="$root/scripts/requirements-emulator.txt"
mkdir -p "$dir"

setup() {
  local stamp="$venv/.chicory-requirements"
  if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
    return 0
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$stamp"
}

admin_works() {
  [ -f "$dir/state.json" ] || return 1
  "$venv/bin/python" - "$dir/state.json" "$endpoint" <<'PY' >/dev/null 2>&1
import json, sys, boto3
s = json.load(open(sys.argv[1]))
assert s["endpoint"] == sys.argv[2]
boto3.client("sts", endpoint_url=s["endpoint"], region_name=s["region"],
             aws_access_key_id=s["admin_access_key_id"],
             aws_secret_access_key=s["admin_secret_access_key"]).get_caller_identity()
PY
}

running() {
  [ -f "$dir/moto.pid" ] && kill -0 "$(cat "$dir/moto.pid")" 2>/dev/null
}

start() {
  setup
  if admin_works; then
    echo "moto already running at $endpoint with IAM enforcement"
    return 0
  fi
  if running; then
    kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$dir/state.json"
  nohup "$venv/bin/python" "$root/scripts/moto_launcher.py" -H 127.0.0.1 -p "$port" \
    </dev/null >"$dir/moto.log" 2>&1 9>&- &
  echo $! >"$dir/moto.pid"
  for _ in $(seq 1 100); do
    if curl -sf "$endpoint/moto-api/" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  curl -sf "$endpoint/moto-api/" >/dev/null || { echo "moto did not start; see $dir/moto.log" >&2; exit 1; }
  "$venv/bin/python" "$root/scripts/emulator_bootstrap.py" "$endpoint" "$dir/state.json"
}

stop() {
  if running; then kill "$(cat "$dir/moto.pid")"; fi
  rm -f "$dir/moto.pid" "$dir/state.json"
}

cmd="${1:-start}"
case "$cmd" in
  setup) (flock 9; setup) 9>"$dir/lock" ;;
  start) (flock 9; start) 9>"$dir/lock" ;;
  stop) (flock 9; stop) 9>"$dir/lock" ;;
  status) if admin_works; then echo "running at $endpoint"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 setup|start|stop|status" >&2; exit 2 ;;
esac
