#!/usr/bin/env bash
# Render the broker configuration, format the storage on first start, then exec the broker.
#   KAFKA_CFG_<NAME>=value  sets property <name> (lower-cased, '_' -> '.'), for example
#                           KAFKA_CFG_ADVERTISED_LISTENERS -> advertised.listeners
#   KAFKA_CLUSTER_ID        cluster id for the first format (random when unset)
#   KAFKA_HEAP_OPTS, KAFKA_JVM_OPTS  extra JVM options
set -euo pipefail
home=${KAFKA_HOME:-/opt/kafka}
conf=/var/lib/kafka/server.properties
log4j=-Dlog4j2.configurationFile=$home/config/log4j2.properties

cp "$home/config/server.properties" "$conf"
while IFS='=' read -r name value; do
  key=${name#KAFKA_CFG_}; key=${key,,}; key=${key//_/.}
  printf '%s=%s\n' "$key" "$value" >> "$conf"
done < <(env | grep '^KAFKA_CFG_' | sort)

# The last log.dirs wins, as in java.util.Properties; meta.properties sits in the first dir.
data=$(awk -F= '$1 == "log.dirs" { v = substr($0, index($0, "=") + 1) } END { print v }' "$conf")
data=${data%%,*}
if [ ! -f "$data/meta.properties" ]; then
  id=${KAFKA_CLUSTER_ID:-}
  if [ -z "$id" ]; then
    # What `StorageTool random-uuid` prints (16 random bytes, base64url, no padding), without
    # starting a JVM for it: that costs seconds on a busy machine, and its log lines could
    # end up in the id. Kafka avoids ids that begin with '-' (read as an option).
    id=-
    while [[ "$id" == -* ]]; do
      id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    done
  fi
  [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || { echo "kafka: bad cluster id '$id'" >&2; exit 1; }
  echo "kafka: formatting $data (cluster $id)"
  java -cp "$home/libs/*" "$log4j" kafka.tools.StorageTool format -t "$id" -c "$conf"
fi

# shellcheck disable=SC2086  # the option variables hold several words on purpose
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_JVM_OPTS:--XX:+ExitOnOutOfMemoryError} \
  -cp "$home/libs/*" "$log4j" kafka.Kafka "$conf"
