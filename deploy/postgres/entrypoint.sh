#!/usr/bin/env bash
# First start (empty $PGDATA): initdb with POSTGRES_USER as the superuser, its password from
# POSTGRES_PASSWORD, and create POSTGRES_DB owned by it. Then run the server in the foreground,
# logging to stderr. Extra arguments are passed to `postgres` (for example -c key=value).
set -euo pipefail
: "${PGDATA:?}"
user=${POSTGRES_USER:-vigie}
db=${POSTGRES_DB:-vigie}
password=${POSTGRES_PASSWORD:-}
[ -n "$password" ] || { echo "postgres: POSTGRES_PASSWORD must be set" >&2; exit 1; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "postgres: initialising $PGDATA (superuser $user, database $db)"
  pwfile=$(mktemp)
  printf '%s\n' "$password" > "$pwfile"
  # Local (socket) connections inside the container are trusted; TCP needs the password.
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  # initdb only lets 127.0.0.1 and ::1 in over TCP; the other containers come from the network.
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  # A socket-only server while the database is created, so no client sees a half-made server.
  pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 -U "$user" -d postgres -q \
      -v db="$db" -v owner="$user" <<<'CREATE DATABASE :"db" OWNER :"owner";'
  fi
  pg_ctl -D "$PGDATA" -w -m fast stop >/dev/null
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
