#!/usr/bin/env bash
# Make sure a Docker daemon answers; start one when none does (CI machines have the daemon
# installed but nothing that starts it: no systemd).
#   deploy/dockerd.sh          start dockerd in the background if needed, wait until it answers
# Settings: VIGIE_STATE_DIR (<repo>/.infra): the daemon's log goes to $VIGIE_STATE_DIR/dockerd.log
# A daemon started here keeps running afterwards, like one started by the init system would:
# the images it holds are the build cache of the next run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state=${VIGIE_STATE_DIR:-$repo/.infra}

log() { printf 'dockerd: %s\n' "$*" >&2; }

command -v docker >/dev/null || { log "the docker client is not installed"; exit 1; }
if docker info >/dev/null 2>&1; then exit 0; fi
command -v dockerd >/dev/null || { log "no daemon answers and dockerd is not installed"; exit 1; }
[ "$(id -u)" = 0 ] || { log "no daemon answers; starting dockerd needs root"; exit 1; }

mkdir -p "$state"
log "no daemon answers: starting dockerd (log: $state/dockerd.log)"
# setsid: the daemon must outlive make and the CI step's process group.
setsid dockerd >>"$state/dockerd.log" 2>&1 < /dev/null &
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then log "ready"; exit 0; fi
  sleep 0.5
done
tail -n 20 "$state/dockerd.log" >&2
log "dockerd did not answer within 60 s"
exit 1
