#!/usr/bin/env bash
# A local single-node Kafka broker (KRaft) from Maven artifacts, on 127.0.0.1 only.
#
#   scripts/kafka.sh start    format storage if new, start the broker, wait until it answers
#   scripts/kafka.sh stop     stop the broker this script started (and only that one)
#   scripts/kafka.sh status   say whether it runs, and where
#
# KAFKA_PORT (default 9092) and KAFKA_DIR (default target/kafka) choose where; the directory keeps
# topics and offsets between runs (delete it for a clean slate).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${KAFKA_PORT:-9092}"
dir="${KAFKA_DIR:-$root/target/kafka}"
pidfile="$dir/broker.pid"

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid
  pid="$(cat "$pidfile")"
  # only a process we started: alive, and a Kafka broker
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' && echo "$pid"
}

case "${1:-}" in
  start)
    if pid="$(running_pid)"; then
      echo "Kafka already runs (pid $pid) on 127.0.0.1:$(grep -o 'PLAINTEXT://127.0.0.1:[0-9]*' "$dir/server.properties" | head -1 | cut -d: -f3)"
      exit 0
    fi
    if [[ ! -f "$root/kafka-broker/target/classpath.txt" || ! -d "$root/kafka-broker/target/classes" ]]; then
      echo "Resolving the Kafka broker (org.apache.kafka:kafka_2.13) from Maven Central..."
      (cd "$root" && ./mvnw -q -B -pl kafka-broker package -DskipTests)
    fi
    mkdir -p "$dir"
    echo "Starting Kafka on 127.0.0.1:$port (data in $dir)..."
    java -cp "$root/kafka-broker/target/classes:$(cat "$root/kafka-broker/target/classpath.txt")" \
      dev.agentdojo.kafka.LocalKafka "$dir" "$port" > "$pidfile.tmp"
    mv "$pidfile.tmp" "$pidfile"
    echo "Kafka runs (pid $(cat "$pidfile")) on 127.0.0.1:$port; log: $dir/broker.log"
    ;;
  stop)
    if ! pid="$(running_pid)"; then
      echo "Kafka is not running (no broker started by this script)"
      rm -f "$pidfile"
      exit 0
    fi
    kill "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$pidfile"
    echo "Kafka stopped (pid $pid)"
    ;;
  status)
    if pid="$(running_pid)"; then
      echo "Kafka runs (pid $pid); data in $dir"
    else
      echo "Kafka is not running"
      exit 3
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
