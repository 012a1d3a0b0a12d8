#!/usr/bin/env bash
# The whole product on this machine: a Kafka broker, a PostgreSQL server, order-service and
# payment-service (one instance each, or more), three sample orders (one declined), and their chained
# event log as it happens. Ctrl-C stops everything this script started, within seconds.
#
#   scripts/demo.sh                      # run until Ctrl-C
#   DEMO_ONCE=1 scripts/demo.sh          # place the sample orders, print their chains, stop
#   INSTANCES=2 scripts/demo.sh          # two instances of each service (up to 6), the orders spread over them
#   DEMO_KEEP_DATA=1 scripts/demo.sh     # keep the previous run's orders, payments and events
#   TRACES=1 scripts/demo.sh             # one trace per order in a local Zipkin (http://127.0.0.1:9411/zipkin/);
#                                        # off by default: its first start fetches 130 MB, and it takes ~250 MB of memory
#   ORDER_PORT=8080 PAYMENT_PORT=8081 KAFKA_PORT=9092 PG_PORT=5432   # the ports it uses (the defaults);
#                                        # instance k (from 0) of a service listens on its port + 2k,
#                                        # and has health, metrics and OpenAPI on that port + 1000
#   DEMO_DIR=target/demo                 # where the services' logs, the broker's and the database's data go
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
cd "$root"
order_port="${ORDER_PORT:-8080}"
payment_port="${PAYMENT_PORT:-8081}"
kafka_port="${KAFKA_PORT:-9092}"
pg_port="${PG_PORT:-5432}"
zipkin_port="${ZIPKIN_PORT:-9411}"
traces="${TRACES:-0}"
instances="${INSTANCES:-1}"
[[ "$instances" =~ ^[1-6]$ ]] || die -s 2 "INSTANCES must be a number from 1 to 6 (the topic's partitions), was '$instances'"
logs="$(mkdir -p "${DEMO_DIR:-$root/target/demo}" && cd "${DEMO_DIR:-$root/target/demo}" && pwd)"
export KAFKA_DIR="$logs/kafka" KAFKA_PORT="$kafka_port" PG_DIR="$logs/postgres" PG_PORT="$pg_port"
export ZIPKIN_DIR="$logs/zipkin" ZIPKIN_PORT="$zipkin_port"
order_ports=()
payment_ports=()
for k in $(seq 0 $((instances - 1))); do
  order_ports+=($((order_port + 2 * k)))
  payment_ports+=($((payment_port + 2 * k)))
done
services=()

# Ctrl-C, or any end, stops every process this script started (each registers its stop as it
# starts), each within a bounded time.
cleanup_messages "Stopping..." "Stopped."
stop_services() { stop_processes 10 TERM ${services[@]+"${services[@]}"}; }

for port in "${order_ports[@]}" "${payment_ports[@]}" $(for p in "${order_ports[@]}" "${payment_ports[@]}"; do echo $((p + 1000)); done) "$kafka_port" "$pg_port" \
            $([[ "$traces" == 1 ]] && echo "$zipkin_port"); do
  if port_taken "$port"; then
    die "Port $port is taken; stop what runs there first (scripts/kafka.sh stop, scripts/postgres.sh stop), or choose other ports (ORDER_PORT, PAYMENT_PORT, KAFKA_PORT, PG_PORT)."
  fi
done

if [[ ! -f order-service/target/quarkus-app/quarkus-run.jar || ! -f payment-service/target/quarkus-app/quarkus-run.jar \
      || ! -f kafka-broker/target/classpath.txt || ! -f postgres-server/target/classpath.txt ]]; then
  say "Building (first run only, a few minutes)..."
  ./mvnw -q -B package -DskipTests -pl kafka-broker,postgres-server,order-service,payment-service -am
fi

mkdir -p "$logs"
if [[ "${DEMO_KEEP_DATA:-0}" != 1 ]]; then
  rm -rf "$KAFKA_DIR" "$PG_DIR" # a fresh topic and database: the sample orders are the only ones
fi
on_exit scripts/kafka.sh stop # before the start: one that fails half-way leaves nothing running either
scripts/kafka.sh start
on_exit scripts/postgres.sh stop
scripts/postgres.sh start
tracing=()
if [[ "$traces" == 1 ]]; then
  on_exit scripts/zipkin.sh stop
  scripts/zipkin.sh start
  # every instance traces (an instance that does not would cut the chains it handles)
  tracing=(-Dquarkus.otel.sdk.disabled=false "-Dtracing.zipkin.endpoint=http://127.0.0.1:$zipkin_port/api/v2/spans"
           "-Dorders.trace-url=http://127.0.0.1:$zipkin_port/zipkin/traces/{traceId}")
fi

start_service() { # name port log; each service logs in as itself (the broker and the server wrote its .env files)
  local db="${1%-service}s"  # order-service: orders
  # its log may show its login: the log, and any file the service writes, are readable by their owner
  # alone from their creation (umask 077); a log left by an older run is made anew
  rm -f "$logs/$3.log"
  (umask 077; exec > "$logs/$3.log" 2>&1
   set -a; . "$KAFKA_DIR/$1.env"; . "$PG_DIR/$db.env"; . "$logs/operator.env"; set +a
   exec java -Xmx384m -Dquarkus.http.port="$2" -Dquarkus.management.port="$(($2 + 1000))" -DPG_PORT="$pg_port" ${tracing[@]+"${tracing[@]}"} \
    -jar "$1/target/quarkus-app/quarkus-run.jar") &
  services+=($!)
}
operator_token "$logs"
on_exit stop_services
say "Starting order-service (:${order_ports[*]}) and payment-service (:${payment_ports[*]})..."
service_logs=()
for k in $(seq 0 $((instances - 1))); do
  suffix="$([[ $k == 0 ]] && echo "" || echo "-$((k + 1))")"
  start_service payment-service "${payment_ports[$k]}" "payment-service$suffix"
  start_service order-service "${order_ports[$k]}" "order-service$suffix"
  service_logs+=("$logs/order-service$suffix.log" "$logs/payment-service$suffix.log")
done
for port in "${order_ports[@]}" "${payment_ports[@]}"; do
  wait_until 120 "the service on :$port to be ready" curl -sf -o /dev/null "http://127.0.0.1:$((port + 1000))/q/health/ready" \
    || die "A service on :$port did not start; see $logs"
done

say "The chained event log of both services (service, event, chain = one order, cause):"
# tail alone is the background job, so killing it ends the filter too (it reads tail's output)
tail -n 0 -F "${service_logs[@]}" 2>/dev/null \
  > >(grep --line-buffered 'd.a.audit' | sed -u -E 's/^([0-9:.]+) INFO  \[d\.a\.audit\] /\1 /') &
on_exit stop_processes 1 TERM "$!"
sleep 0.5

orders="http://127.0.0.1:$order_port/orders"
place() { # customer amount currency: on the order-service instances in turn (runs in $(…): counts by ids)
  local port="${order_ports[$(( ${#ids[@]} % instances ))]}"
  # one Idempotency-Key per order: curl's retries (of a 503, say) then never place it twice
  curl -s --retry 3 -X POST "http://127.0.0.1:$port/orders" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: demo-$$-${#ids[@]}-$RANDOM" \
    -d "{\"customer\":\"$1\",\"amount\":$2,\"currency\":\"$3\"}" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4
}
ids=()
ids+=("$(place "Ada Lovelace" 42.00 EUR)")
ids+=("$(place "Alan Turing" 99.90 GBP)")
ids+=("$(place "Big Spender" 25000 USD)")   # above payment.limit: declined
sleep 2

echo
say "Each order's chain across both services (GET /orders/{id}/events):"
settled() { # id: its status, in $status, is no longer PENDING
  status="$(curl -s "$orders/$1" | grep -o '"status":"[^"]*"' | cut -d'"' -f4)"
  [[ "$status" != "PENDING" ]]
}
for id in "${ids[@]}"; do
  status=PENDING
  wait_until 10 "order $id to leave PENDING" settled "$id" || true
  chain="$(curl -s "$orders/$id/events")"
  trace="$(grep -o '"traceUrl":"[^"]*"' <<<"$chain" | cut -d'"' -f4 || true)"
  echo "order $id: $status${trace:+   trace: $trace}"
  paste -d' ' \
    <(grep -o '"event":"[^"]*"' <<<"$chain" | cut -d'"' -f4 | sed 's/^/    /') \
    <(grep -o '"service":"[^"]*"' <<<"$chain" | cut -d'"' -f4 | sed 's/^/ by /') \
    <(grep -o '"sinceFirstMs":[0-9]*' <<<"$chain" | cut -d: -f2 | sed 's/^/ +/; s/$/ ms/')
done

echo
say "The live page: http://localhost:$order_port/$([[ $instances -gt 1 ]] && echo "  (or any order-service instance: ports ${order_ports[*]})")"
if [[ "$traces" == 1 ]]; then
  say "Each order's trace: http://127.0.0.1:$zipkin_port/zipkin/  (the page links each chain to its trace)"
fi
say "Dead letters, for the operator: the page's panel with the token in $logs/operator.env, or GET /dead-letters on :$((order_port + 1000)) and :$((payment_port + 1000))"
if [[ "${DEMO_ONCE:-0}" == 1 ]]; then
  exit 0
fi
echo
say "Try it: curl -X POST localhost:$order_port/orders -H 'Content-Type: application/json' -d '{\"customer\":\"you\",\"amount\":10}'"
say "Watch it live: http://localhost:$order_port/  (place orders, see each chain as it happens)"
say "API: http://localhost:$((order_port + 1000))/q/openapi  http://localhost:$((payment_port + 1000))/q/openapi   Metrics and health: /q/metrics, /q/health on those ports   Logs: $logs"
say "Ctrl-C stops everything."
wait "${services[0]}"
