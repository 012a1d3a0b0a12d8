#!/usr/bin/env bash
# Both services in Quarkus dev mode (live reload, Dev UI, debugger) on the local Kafka broker and
# PostgreSQL, in one terminal. Ctrl-C stops the services, and the broker and the database if this
# script started them. Nothing to source, no password to type: each service's dev mode finds the
# servers and logs itself in (the dev-stack extension, see docs/dev-mode.md).
#
#   scripts/dev.sh        order-service on :8080 (debugger :5005), payment-service on :8081 (:5006)
#   ORDER_PORT=8080 PAYMENT_PORT=8081 KAFKA_PORT=9092 PG_PORT=5432   # the ports (the defaults); each
#                         service has health and metrics on its port + 1000, its debugger on 5005 / 5006
#   DEV_DIR=target        # where the broker's (kafka/) and the database's (postgres/) data stay between runs
#   TRACES=1 scripts/dev.sh   # and a local Zipkin (ZIPKIN_PORT, 9411): each order's trace, linked from the page
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
cd "$root"
order_port="${ORDER_PORT:-8080}"
payment_port="${PAYMENT_PORT:-8081}"
dir="$(mkdir -p "${DEV_DIR:-$root/target}" && cd "${DEV_DIR:-$root/target}" && pwd)"
export KAFKA_DIR="$dir/kafka" KAFKA_PORT="${KAFKA_PORT:-9092}" PG_DIR="$dir/postgres" PG_PORT="${PG_PORT:-5432}"
services=()
tracing=""

# Ctrl-C, or any end, stops the services, and the broker, the database and Zipkin if this script
# started them (each registers its stop as it starts)
cleanup_messages "Stopping..." "Stopped."
stop_services() { stop_processes 15 TERM ${services[@]+"${services[@]}"}; }

for port in "$order_port" "$payment_port" $((order_port + 1000)) $((payment_port + 1000)) 5005 5006; do
  if port_taken "$port"; then
    die "Port $port is taken: another dev mode or the demo runs (stop it first, or choose ORDER_PORT, PAYMENT_PORT)."
  fi
done

scripts/kafka.sh status > /dev/null 2>&1 || on_exit scripts/kafka.sh stop
scripts/postgres.sh status > /dev/null 2>&1 || on_exit scripts/postgres.sh stop
scripts/kafka.sh start
scripts/postgres.sh start
if [[ "${TRACES:-0}" == 1 ]]; then
  export ZIPKIN_DIR="$dir/zipkin" ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"
  scripts/zipkin.sh status > /dev/null 2>&1 || on_exit scripts/zipkin.sh stop
  scripts/zipkin.sh start
  tracing="-Dquarkus.otel.sdk.disabled=false -Dtracing.zipkin.endpoint=http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans"
  tracing+=" -Dorders.trace-url=http://127.0.0.1:$ZIPKIN_PORT/zipkin/traces/{traceId}"
fi

# Maven resolves the services' library modules from ~/.m2: install them when they changed since the
# last install from here (their classes then reload; the extensions' need this).
stamp="$root/target/.dev-installed"
if [[ ! -f "$stamp" || ! -d "$HOME/.m2/repository/dev/agentdojo/service-common/1.0.0-SNAPSHOT" ]] \
   || [[ -n "$(find pom.xml shared-bus service-common dev-stack local-credentials kafka-broker postgres-server -newer "$stamp" \
               \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -not -path '*/target/*' -print -quit)" ]]; then
  say "Installing the services' library modules (first run, or after a change to one; a minute or two)..."
  # the modules the services depend on, not the services: their packaged applications stay as they are
  ./mvnw -q -B install -DskipTests -pl shared-bus/deployment,dev-stack/deployment,service-common,kafka-broker,postgres-server -am
  mkdir -p "$root/target" && touch "$stamp"
fi

dev() { # module port debug-port prefix: its own process group, so that Ctrl-C ends Maven and the application;
       # the dev stack of each finds the servers started above (same directory and ports)
  setsid bash -c "./mvnw -B quarkus:dev -pl $1 -Ddebug=$3 -Dquarkus.console.enabled=false \
    -Dquarkus.http.port=$2 -Dquarkus.management.port=$(($2 + 1000)) -Dagentdojo.dev-stack.dir=$dir \
    -Dagentdojo.dev-stack.kafka-port=$KAFKA_PORT -Dagentdojo.dev-stack.postgres-port=$PG_PORT $tracing 2>&1 | sed -u 's/^/$4 /'" &
  services+=("-$!") # the group: Maven, the application, sed
}
# the operator's token for the dead letters (/dead-letters on the management ports), kept private
operator_token "$dir"
set -a; . "$dir/operator.env"; set +a
on_exit stop_services
say "Starting order-service and payment-service in dev mode..."
dev order-service "$order_port" 5005 '[orders]  '
dev payment-service "$payment_port" 5006 '[payments]'
ready() { # management-port: ready, or the end of the script when a service's dev mode ended
  curl -sf -o /dev/null "http://127.0.0.1:$1/q/health/ready" && return 0
  for pid in "${services[@]}"; do kill -0 "${pid#-}" 2>/dev/null || die "A service's dev mode ended; see above."; done
  return 1
}
for port in $((order_port + 1000)) $((payment_port + 1000)); do
  # (a dev mode slower than this is waited for no longer; the services keep starting)
  wait_until 300 "the service on :$port to be ready" ready "$port" || true
done
say "Ready. The page: http://localhost:$order_port/   Dev UI: http://localhost:$order_port/q/dev-ui   payments: http://localhost:$payment_port/payments"
if [[ -n "$tracing" ]]; then say "Traces: http://127.0.0.1:$ZIPKIN_PORT/zipkin/  (the page links each order's chain to its trace)"; fi
say "Edit a class and send a request: the service reloads. Ctrl-C stops everything."
wait
