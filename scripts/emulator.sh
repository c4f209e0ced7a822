#!/usr/bin/env bash
# The local AWS emulator for tests and the demo: moto's server with IAM enforcement on,
# through scripts/moto_launcher.py (which fixes the moto gaps listed in its docstring).
#
#   bash scripts/emulator.sh setup    # .venv with the pins of scripts/requirements-emulator.txt
#   bash scripts/emulator.sh start    # setup, then start on 127.0.0.1:${CHICORY_MOTO_PORT:-5055}
#                                     # (or reuse a running one), bootstrap the admin user and
#                                     # turn IAM authentication and authorization on
#   bash scripts/emulator.sh stop     # stop the server this directory started
#   bash scripts/emulator.sh status   # exit 0 and print the endpoint when it answers
#
# State goes to .emulator/ (CHICORY_EMULATOR_DIR overrides, e.g. for a second emulator on
# another port): state.json {"endpoint", "region", "account_id", "admin_access_key_id",
# "admin_secret_access_key", "fingerprint"}, moto.log, moto.pid. `start` reuses a running
# server when the admin key in state.json still works and the server was started from the same
# launcher and pins (fingerprint); otherwise it restarts it. Every subcommand but status holds
# a flock on .emulator/lock, so concurrent callers are safe. Only 127.0.0.1 is ever contacted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
py="$venv/bin/python"
dir="${CHICORY_EMULATOR_DIR:-$root/.emulator}"
port="${CHICORY_MOTO_PORT:-5055}"
endpoint="http://127.0.0.1:$port"
req="$root/scripts/requirements-emulator.txt"
launcher="$root/scripts/moto_launcher.py"
mkdir -p "$dir"

req_hash() { sha256sum <"$req" | cut -d' ' -f1; }

# What the running server must have been started from to be reused.
fingerprint() { cat "$req" "$launcher" | sha256sum | cut -d' ' -f1; }

setup() {
  local stamp="$venv/.chicory-requirements.sha256" want
  want="$(req_hash)"
  if [ -x "$py" ] && "$py" -c '' 2>/dev/null && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "emulator: moto needs Python 3.10 or newer; python3 is $(python3 -V 2>&1)" >&2
    exit 1
  fi
  echo "emulator: installing $(grep -v '^#' "$req" | tr '\n' ' ')into $venv" >&2
  rm -f "$stamp"
  python3 -m venv "$venv"
  "$py" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
}

# The admin key of state.json works on this port, and the server has the current fingerprint.
admin_works() {
  [ -f "$dir/state.json" ] && [ -x "$py" ] || return 1
  "$py" - "$dir/state.json" "$endpoint" "$(fingerprint)" <<'PY' >/dev/null 2>&1
import json, sys, boto3
from botocore.config import Config
s = json.load(open(sys.argv[1]))
assert s["endpoint"] == sys.argv[2] and s.get("fingerprint") == sys.argv[3]
boto3.client("sts", endpoint_url=s["endpoint"], region_name=s["region"],
             aws_access_key_id=s["admin_access_key_id"],
             aws_secret_access_key=s["admin_secret_access_key"],
             config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5),
             ).get_caller_identity()
PY
}

answers() { curl -sf -m 2 "$endpoint/moto-api/" >/dev/null 2>&1; }

# The pid of moto.pid, when that process is alive and is our launcher (not a reused pid).
our_pid() {
  local pid
  pid="$(cat "$dir/moto.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "moto_launcher.py" || return 1
  echo "$pid"
}

stop_server() {
  local pid
  if pid="$(our_pid)"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/moto.pid" "$dir/state.json"
}

start() {
  setup
  if admin_works; then
    echo "emulator: reusing moto at $endpoint (IAM enforcement on)"
    return 0
  fi
  stop_server
  if answers; then
    echo "emulator: something else answers on $endpoint; stop it or set CHICORY_MOTO_PORT" >&2
    exit 1
  fi
  # setsid: the server outlives the caller's process group (a test run, a Ctrl-C);
  # 9>&-: it does not inherit the lock.
  setsid nohup "$py" "$launcher" -H 127.0.0.1 -p "$port" </dev/null >"$dir/moto.log" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$dir/moto.pid"
  for _ in $(seq 1 150); do
    answers && break
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  if ! answers; then
    echo "emulator: moto did not start on $endpoint; the end of $dir/moto.log:" >&2
    tail -n 20 "$dir/moto.log" >&2 || true
    stop_server
    exit 1
  fi
  CHICORY_EMULATOR_FINGERPRINT="$(fingerprint)" \
    "$py" "$root/scripts/emulator_bootstrap.py" "$endpoint" "$dir/state.json"
}

status() {
  if admin_works; then
    echo "running at $endpoint (pid $(cat "$dir/moto.pid" 2>/dev/null || echo '?'), state $dir/state.json)"
  elif answers; then
    echo "a server answers on $endpoint, but $dir/state.json does not match it (run: $0 start)"
    exit 1
  else
    echo "not running"
    exit 1
  fi
}

case "${1:-start}" in
  setup) (flock 9; setup) 9>"$dir/lock" ;;
  start) (flock 9; start) 9>"$dir/lock" ;;
  stop) (flock 9; stop_server) 9>"$dir/lock" ;;
  status) status ;;
  *) echo "usage: $0 setup|start|stop|status" >&2; exit 2 ;;
esac
