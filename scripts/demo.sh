#!/usr/bin/env bash
# The whole product on this machine: a Kafka broker, order-service (:8080) and payment-service
# (:8081), three sample orders (one declined), and their chained event log as it happens.
# Ctrl-C stops everything this script started.
#
#   scripts/demo.sh                  # run until Ctrl-C
#   DEMO_ONCE=1 scripts/demo.sh      # place the sample orders, print their chains, stop
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
logs="$root/target/demo"
mkdir -p "$logs"
pids=()
started_kafka=0

say() { printf '\033[1m%s\033[0m\n' "$*"; }

cleanup() {
  trap - INT TERM EXIT
  echo
  say "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $started_kafka == 1 ]]; then scripts/kafka.sh stop; fi
}
trap cleanup INT TERM EXIT

for port in 8080 8081; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "Port $port is taken; stop what runs there first." >&2
    exit 1
  fi
done

if [[ ! -f order-service/target/quarkus-app/quarkus-run.jar || ! -f payment-service/target/quarkus-app/quarkus-run.jar \
      || ! -f kafka-broker/target/classpath.txt ]]; then
  say "Building (first run only, a few minutes)..."
  ./mvnw -q -B package -DskipTests -pl kafka-broker,order-service,payment-service -am
fi

if ! scripts/kafka.sh status >/dev/null 2>&1; then
  scripts/kafka.sh start
  started_kafka=1
fi

start_service() { # name port
  java -Xmx384m -jar "$1/target/quarkus-app/quarkus-run.jar" > "$logs/$1.log" 2>&1 &
  pids+=($!)
}
say "Starting order-service (:8080) and payment-service (:8081)..."
start_service payment-service
start_service order-service
for port in 8080 8081; do
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null || { echo "A service on :$port did not start; see $logs" >&2; exit 1; }
done

say "The chained event log of both services (service, event, chain = one order, cause):"
tail -n 0 -F "$logs/order-service.log" "$logs/payment-service.log" 2>/dev/null \
  | grep --line-buffered 'd.a.audit' \
  | sed -u -E 's/^([0-9:.]+) INFO  \[d\.a\.audit\] /\1 /' &
pids+=($!)
sleep 0.5

place() { # customer amount currency
  curl -s -X POST http://127.0.0.1:8080/orders -H 'Content-Type: application/json' \
    -d "{\"customer\":\"$1\",\"amount\":$2,\"currency\":\"$3\"}" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4
}
ids=()
ids+=("$(place "Ada Lovelace" 42.00 EUR)")
ids+=("$(place "Alan Turing" 99.90 GBP)")
ids+=("$(place "Big Spender" 25000 USD)")   # above payment.limit: declined
sleep 2

echo
say "Each order's chain across both services (GET /orders/{id}/events):"
for id in "${ids[@]}"; do
  for _ in $(seq 1 40); do
    status="$(curl -s "http://127.0.0.1:8080/orders/$id" | grep -o '"status":"[^"]*"' | cut -d'"' -f4)"
    [[ "$status" != "PENDING" ]] && break
    sleep 0.25
  done
  chain="$(curl -s "http://127.0.0.1:8080/orders/$id/events")"
  echo "order $id: $status"
  paste -d' ' \
    <(grep -o '"event":"[^"]*"' <<<"$chain" | cut -d'"' -f4 | sed 's/^/    /') \
    <(grep -o '"service":"[^"]*"' <<<"$chain" | cut -d'"' -f4 | sed 's/^/ by /') \
    <(grep -o '"sinceFirstMs":[0-9]*' <<<"$chain" | cut -d: -f2 | sed 's/^/ +/; s/$/ ms/')
done

echo
say "The live page: http://localhost:8080/"
if [[ "${DEMO_ONCE:-0}" == 1 ]]; then
  exit 0
fi
echo
say "Try it: curl -X POST localhost:8080/orders -H 'Content-Type: application/json' -d '{\"customer\":\"you\",\"amount\":10}'"
say "Watch it live: http://localhost:8080/  (place orders, see each chain as it happens)"
say "API docs: http://localhost:8080/q/swagger-ui  http://localhost:8081/q/swagger-ui   Metrics: /q/metrics   Logs: $logs"
say "Ctrl-C stops everything."
wait "${pids[0]}"
