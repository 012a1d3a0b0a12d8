#!/usr/bin/env bash
# A local single-node Kafka broker (KRaft) from Maven artifacts, on 127.0.0.1 only.
#
#   scripts/kafka.sh start    format storage if new, start the broker, wait until it answers
#   scripts/kafka.sh stop     stop the broker this script started (and only that one)
#   scripts/kafka.sh status   say whether it runs, and where
#   scripts/kafka.sh grant NAME WRITES READS [GROUP] [TXIDS]
#                             a principal of your own on the running broker: the topics it may write
#                             (created if missing) and read, comma-separated, its consumer group ('' for
#                             none) and the transactional ids its transactional producers may use
#
# Every client logs in (SASL/SCRAM-SHA-512) as a principal of kafka-broker's access.properties:
# order-service, payment-service, observer (reads everything). Their passwords are made at random
# on the first start; for each principal the directory holds NAME.env (KAFKA_USERNAME,
# KAFKA_PASSWORD, KAFKA_BOOTSTRAP_SERVERS: for a service) and NAME.properties (for kcat -F).
# KAFKA_PORT (default 9092) and KAFKA_DIR (default target/kafka) choose where; the directory keeps
# topics, offsets and passwords between runs (delete it for a clean slate).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
port="${KAFKA_PORT:-9092}"
dir="${KAFKA_DIR:-$root/target/kafka}"
pidfile="$dir/broker.pid"
process='kafka.Kafka' # only a process we started: alive, and a Kafka broker

broker_port() {
  grep -o 'CLIENTS://127.0.0.1:[0-9]*' "$dir/server.properties" | head -1 | cut -d: -f3
}

case "${1:-}" in
  start)
    if pid="$(running_pid "$pidfile" "$process")"; then
      echo "Kafka already runs (pid $pid) on 127.0.0.1:$(broker_port)"
      exit 0
    fi
    if [[ ! -f "$root/kafka-broker/target/classpath.txt" || ! -d "$root/kafka-broker/target/classes" ]]; then
      echo "Resolving the Kafka broker (org.apache.kafka:kafka_2.13) from Maven Central..."
      (cd "$root" && ./mvnw -q -B -pl kafka-broker -am package -DskipTests)
    fi
    mkdir -p "$dir"
    echo "Starting Kafka on 127.0.0.1:$port (data in $dir)..."
    pid="$(java -cp "$root/kafka-broker/target/classes:$(cat "$root/kafka-broker/target/classpath.txt")" \
      dev.agentdojo.kafka.LocalKafka "$dir" "$port")"
    write_pid "$pidfile" "$pid"
    echo "Kafka runs (pid $pid) on 127.0.0.1:$port; log: $dir/broker.log"
    echo "Read the chain:  kcat -F $dir/observer.properties -C -t agent-dojo.orders -t agent-dojo.payments"
    echo "A service's login: set -a; . $dir/order-service.env; set +a"
    ;;
  grant)
    [[ $# -ge 4 && $# -le 6 ]] || die -s 2 "usage: $0 grant NAME WRITES READS [GROUP] [TXIDS]"
    running_pid "$pidfile" "$process" > /dev/null || die "Kafka is not running; start it first ($0 start)"
    java -cp "$root/kafka-broker/target/classes:$(cat "$root/kafka-broker/target/classpath.txt")" \
      dev.agentdojo.kafka.LocalKafka grant "$dir" "$(broker_port)" "${@:2}"
    ;;
  stop)
    if ! pid="$(running_pid "$pidfile" "$process")"; then
      echo "Kafka is not running (no broker started by this script)"
      remove_pid "$pidfile"
      exit 0
    fi
    stop_processes 30 TERM "$pid"
    remove_pid "$pidfile"
    echo "Kafka stopped (pid $pid)"
    ;;
  status)
    if pid="$(running_pid "$pidfile" "$process")"; then
      echo "Kafka runs (pid $pid); data in $dir"
    else
      echo "Kafka is not running"
      exit 3
    fi
    ;;
  *)
    die -s 2 "usage: $0 start|stop|status|grant"
    ;;
esac
