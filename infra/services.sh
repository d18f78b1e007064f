#!/usr/bin/env bash
# The Vigie services as background processes on this machine (what compose runs in
# containers), for the demo and the benchmarks.
#   services.sh start [service ...]   start them (default: all) and wait until each is SERVING
#   services.sh stop
# Logs in .infra/logs/<service>.log. Settings come from the environment (VIGIE_*).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state=${VIGIE_STATE_DIR:-$repo/.infra}
py=$repo/.venv/bin/python
export PYTHONPATH=$repo:$repo/gen
declare -A ports=([labels]=50051 [contracts]=50052 [notices]=50053 [compliance.monitor]=50054
                  [compliance.checks]=50055)
# compliance.checks is a worker of the compliance checks (its gRPC port serves health only).
# dashboard is the committee's web dashboard (HTTP), a client of the four gRPC services.
all=(labels contracts notices compliance.monitor compliance.checks dashboard)
dashboard_port=${VIGIE_DASHBOARD_PORT:-8080}
# On this development runner the dashboard's sign-in page also mints tokens (never in production).
export VIGIE_DASHBOARD_DEV_SIGNIN=${VIGIE_DASHBOARD_DEV_SIGNIN:-true}

start() {
  mkdir -p "$state/logs" "$state/pids"
  for service in "${@:-${all[@]}}"; do
    pidfile=$state/pids/$service.pid
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
    (cd "$repo" && exec "$py" -m "services.$service") >> "$state/logs/$service.log" 2>&1 &
    echo $! > "$pidfile"
  done
  for service in "${@:-${all[@]}}"; do
    for _ in $(seq 1 100); do
      if [ "$service" = dashboard ]; then
        (exec 3<>/dev/tcp/127.0.0.1/"$dashboard_port") 2>/dev/null && break
      else
        "$py" -m services.common.healthcheck --port "${ports[$service]}" >/dev/null 2>&1 && break
      fi
      kill -0 "$(cat "$state/pids/$service.pid")" 2>/dev/null || {
        echo "$service exited; see $state/logs/$service.log" >&2; tail -20 "$state/logs/$service.log" >&2; exit 1; }
      sleep 0.2
    done
    if [ "$service" = dashboard ]; then
      echo "dashboard: running on http://127.0.0.1:$dashboard_port/" >&2
    else
      echo "$service: running${ports[$service]:+ on 127.0.0.1:${ports[$service]}}" >&2
    fi
  done
}

stop() {
  for pidfile in "$state"/pids/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 start [service ...] | stop" >&2; exit 2 ;;
esac
