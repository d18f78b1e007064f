#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, single combined node) without Docker.
#   kafka.sh fetch   copy the official broker jars from Maven Central (pinned in pom.xml)
#   kafka.sh start   format storage on first start, start the node, wait until it answers
#   kafka.sh stop    stop it (SIGTERM, then wait)
#   kafka.sh status  exit 0 when the broker answers
# Settings: VIGIE_KAFKA_HOST (127.0.0.1), VIGIE_KAFKA_PORT (19092),
#           VIGIE_KAFKA_CONTROLLER_PORT (19093), VIGIE_STATE_DIR (<repo>/.infra).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
state=${VIGIE_STATE_DIR:-$repo/.infra}/kafka
host=${VIGIE_KAFKA_HOST:-127.0.0.1}
port=${VIGIE_KAFKA_PORT:-19092}
cport=${VIGIE_KAFKA_CONTROLLER_PORT:-19093}
libs=$state/libs
data=$state/data
pidfile=$state/kafka.pid

log() { printf 'kafka: %s\n' "$*" >&2; }

fetch() {
  local stamp=$libs/.pom.sha
  local want; want=$(sha1sum "$here/pom.xml" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "fetching the broker from Maven Central"
  rm -rf "$libs"; mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs"
  echo "$want" > "$stamp"
}

listening() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

cluster_id() { sed -n 's/^cluster.id=//p' "$data/meta.properties" 2>/dev/null; }

answers() {
  # Our broker answers: its listener accepts a connection and reports the cluster id this
  # clone formatted. Another clone's broker on the same port is not ours.
  listening || return 1
  local id; id=$(cluster_id); [ -n "$id" ] || return 1
  java -cp "$libs/*" -Dlog4j2.configurationFile="$here/log4j2.properties" \
    -Dkafka.logs.dir="$state" org.apache.kafka.tools.ClusterTool cluster-id \
    --bootstrap-server "$host:$port" 2>/dev/null | grep -qx "Cluster ID: $id"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
  fetch
  if running; then log "already running (pid $(cat "$pidfile"))"; return 0; fi
  if listening; then
    log "$host:$port is taken by another process (another clone's broker?); set VIGIE_KAFKA_PORT"
    exit 1
  fi
  mkdir -p "$data"
  sed -e "s|@HOST@|$host|g" -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" \
      -e "s|@DATA_DIR@|$data|g" "$here/server.properties.in" > "$state/server.properties"
  if [ ! -f "$data/meta.properties" ]; then
    # stderr discarded: a log line in the captured id would corrupt meta.properties.
    local id; id=$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || { log "bad cluster id: $id"; exit 1; }
    java -cp "$libs/*" -Dlog4j2.configurationFile="$here/log4j2.properties" \
      -Dkafka.logs.dir="$state" kafka.tools.StorageTool format -t "$id" \
      -c "$state/server.properties" >/dev/null
  fi
  log "starting on $host:$port"
  nohup java -Xmx512m -Xms256m -cp "$libs/*" \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$state" \
    kafka.Kafka "$state/server.properties" > "$state/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    running && answers && { log "ready"; return 0; }
    running || { log "exited; see $state/server.log"; tail -20 "$state/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  log "did not answer within 60 s"; exit 1
}

stop() {
  running || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"; log "stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
