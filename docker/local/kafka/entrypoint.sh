#!/usr/bin/env bash
# server.properties from the KAFKA_* environment (the official image's rule), storage formatted on
# the first start, then the broker in the foreground.
set -euo pipefail
config=/opt/kafka/config/server.properties
: > "$config"
while IFS= read -r name; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_LOG4J_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_JMX_OPTS) continue ;;
  esac
  key="${name#KAFKA_}"
  key="${key,,}"
  key="${key//___/-}"
  key="${key//__/@}"
  key="${key//_/.}"
  key="${key//@/_}"
  printf '%s=%s\n' "$key" "${!name}" >> "$config"
done < <(compgen -e | grep '^KAFKA_' || true)
grep -q '^log.dirs=' "$config" || echo "log.dirs=/var/lib/kafka/data" >> "$config"
if [[ ! -f /var/lib/kafka/data/meta.properties ]]; then
  java -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format --ignore-formatted \
    -t "${CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}" -c "$config"
fi
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -XX:+UseG1GC -cp '/opt/kafka/libs/*' kafka.Kafka "$config"
