#!/usr/bin/env bash
# A real PostgreSQL server (Debian's package) without Docker, for development and CI.
#   postgres.sh start   install the server if missing, initdb on first start, start, create the database
#   postgres.sh stop
#   postgres.sh status  exit 0 when the server accepts connections
# Settings: VIGIE_PG_PORT (15432), VIGIE_PG_DATABASE (vigie), VIGIE_STATE_DIR (<repo>/.infra),
#           VIGIE_PG_DATA (/var/tmp/vigie-postgres-<this clone's key>-<port>).
# The data folder sits outside the checkout (initdb refuses root, and the postgres user cannot
# reach a folder under a mode-700 home), but belongs to this clone: its name carries a key of
# the clone's state folder, written down in <state>/postgres.data. Two clones never share a
# server, and `stop` stops only this clone's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${VIGIE_STATE_DIR:-$repo/.infra}
port=${VIGIE_PG_PORT:-15432}
key=$(printf '%s' "$(mkdir -p "$state" && cd "$state" && pwd)" | sha1sum | cut -c1-10)
data=${VIGIE_PG_DATA:-/var/tmp/vigie-postgres-$key-$port}
db=${VIGIE_PG_DATABASE:-vigie}

log() { printf 'postgres: %s\n' "$*" >&2; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

install() {
  [ -n "$(bindir)" ] && [ -x "$(bindir)/initdb" ] && return 0
  log "installing Debian's postgresql"
  [ "$(id -u)" = 0 ] || { log "run as root once, or: sudo apt-get install -y postgresql"; exit 1; }
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  # Debian's package starts a cluster of its own on 5432; ours is separate, so leave it be.
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

answers() { "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$port"; }

# This clone's server is the one running from its data folder (pg_ctl reads its pid file).
ours() { [ -f "$data/PG_VERSION" ] && as_owner "$(bindir)/pg_ctl" -D "$data" status >/dev/null 2>&1; }

status() { ours && answers; }

start() {
  install
  local bin; bin=$(bindir)
  if ours; then log "already running on 127.0.0.1:$port"; else
    if answers; then
      log "127.0.0.1:$port is taken by another server (another clone's?); set VIGIE_PG_PORT"
      exit 1
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres: "$data"
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    fi
    log "starting on 127.0.0.1:$port"
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1" >/dev/null
  fi
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
  echo "$data" > "$state/postgres.data"
  log "ready (database $db, data in $data)"
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  as_owner "$(bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
