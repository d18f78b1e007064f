#!/usr/bin/env bash
# A real PostgreSQL server (Debian's package) without Docker, for development and CI.
#   postgres.sh start   install the server if missing, initdb on first start, start, create the database
#   postgres.sh stop
#   postgres.sh status  exit 0 when the server accepts connections
# Settings: VIGIE_PG_PORT (15432), VIGIE_PG_DATA (/var/tmp/vigie-postgres-<port>), VIGIE_PG_DATABASE (vigie).
# The data folder sits outside the checkout: initdb refuses root, and the postgres user
# cannot reach a folder under a mode-700 home.
set -euo pipefail
port=${VIGIE_PG_PORT:-15432}
data=${VIGIE_PG_DATA:-/var/tmp/vigie-postgres-$port}
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

status() { "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$port"; }

start() {
  install
  local bin; bin=$(bindir)
  if status; then log "already running on 127.0.0.1:$port"; else
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
  log "ready (database $db)"
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
