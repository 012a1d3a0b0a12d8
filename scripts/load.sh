#!/usr/bin/env bash
# Load harness over the real broker: a fresh broker and both services, then OrderLoad posts orders
# at a fixed rate and reports POST -> final-state latency and sustained orders/s. Loopback only;
# stops by itself and stops everything it started.
#
#   scripts/load.sh                   # 2000 orders/s for 60 s
#   RATE=500 SECONDS_=20 scripts/load.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rate="${RATE:-2000}"
duration="${SECONDS_:-60}"
work="$root/target/load"
rm -rf "$work" && mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  KAFKA_DIR="$work/kafka" KAFKA_PORT=19092 scripts/kafka.sh stop >/dev/null || true
}
trap cleanup INT TERM EXIT

./mvnw -q -B package -DskipTests -pl kafka-broker,order-service,payment-service,benchmarks -am
KAFKA_DIR="$work/kafka" KAFKA_PORT=19092 scripts/kafka.sh start
# The audit log writes a line per event and service; off for the measurement (see BENCHMARKS.md).
opts=(-Xmx1g -Dkafka.bootstrap.servers=127.0.0.1:19092 -Dquarkus.log.category.\"dev.agentdojo\".level=WARN)
java "${opts[@]}" -Dquarkus.http.port=18081 -jar payment-service/target/quarkus-app/quarkus-run.jar > "$work/payment-service.log" 2>&1 &
pids+=($!)
java "${opts[@]}" -Dquarkus.http.port=18080 -jar order-service/target/quarkus-app/quarkus-run.jar > "$work/order-service.log" 2>&1 &
pids+=($!)
for port in 18080 18081; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
done
# warm-up, then the measured run
java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.OrderLoad --url http://127.0.0.1:18080 \
  --rate "$((rate / 4))" --seconds 10 > "$work/warmup.txt"
java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.OrderLoad --url http://127.0.0.1:18080 \
  --rate "$rate" --seconds "$duration"
