#!/usr/bin/env bash
# Load harness over the real broker and database: a fresh broker, a fresh PostgreSQL and both
# services, then OrderLoad posts orders at a fixed rate and reports POST -> 202 and POST -> final-state
# latency (the outcome's record on the topic) and sustained orders/s. Loopback only; stops by itself
# and stops everything it started.
#
#   scripts/load.sh                   # 2000 orders/s for 60 s
#   RATE=500 SECONDS_=20 scripts/load.sh
#   INSTANCES=2 scripts/load.sh       # two instances of each service; the orders go to both order-services in turn
#   WRK=1 scripts/load.sh             # instead of OrderLoad: wrk -t2 -c32 -d30s on POST /orders (WRK_ARGS to change)
#   RESTART=1 ORDERS=100000 scripts/load.sh
#                                     # time to ready of both services on an empty topic and database, then
#                                     # with ORDERS settled orders in the databases and on the topic (FillState)
#   IN_FLIGHT=512 CONNECTIONS=64      # the client's bounds (these are the defaults)
#   AUDIT_LOG=1 scripts/load.sh       # keep the services' one-line-per-event audit log (off by default here)
#   COLD=1 RATE=20 SECONDS_=15 scripts/load.sh
#                                     # the first RATE*SECONDS_ orders right after the services are ready,
#                                     # then, after a minute of the same load, the same run warm
#   TRACES=1 scripts/load.sh          # tracing on in both services, every order traced into a local Zipkin
#   TRACES=1 TRACES_SAMPLED=0.1 scripts/load.sh   # one order in ten traced
#   SERVICE_OPTS="-XX:..." scripts/load.sh   # more JVM options for both services
#   BUILD_ARGS="-D..." scripts/load.sh       # more Maven options for the build it makes first
#
# After a measured run (wrk, or the default one), it prints the CPU time each part of the stack used
# during it (from /proc/<pid>/stat), per accepted order: on a shared machine a steadier figure than
# the throughput itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rate="${RATE:-2000}"
duration="${SECONDS_:-60}"
in_flight="${IN_FLIGHT:-512}"
connections="${CONNECTIONS:-64}"
cold="${COLD:-0}"
instances="${INSTANCES:-1}"
work="$root/target/load"
rm -rf "$work" && mkdir -p "$work"
pids=()
names=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  KAFKA_DIR="$work/kafka" KAFKA_PORT=19092 scripts/kafka.sh stop >/dev/null || true
  PG_DIR="$work/postgres" PG_PORT=15432 scripts/postgres.sh stop >/dev/null || true
  ZIPKIN_DIR="$work/zipkin" ZIPKIN_PORT=19411 scripts/zipkin.sh stop >/dev/null || true
}
trap cleanup INT TERM EXIT

./mvnw -q -B package -DskipTests ${BUILD_ARGS:-} -pl kafka-broker,postgres-server,order-service,payment-service,benchmarks -am
KAFKA_DIR="$work/kafka" KAFKA_PORT=19092 scripts/kafka.sh start
PG_DIR="$work/postgres" PG_PORT=15432 scripts/postgres.sh start
opts=(-Xmx1g -DPG_PORT=15432 ${SERVICE_OPTS:-})
if [[ "${TRACES:-0}" == 1 ]]; then
  ZIPKIN_DIR="$work/zipkin" ZIPKIN_PORT=19411 scripts/zipkin.sh start
  opts+=(-Dquarkus.otel.sdk.disabled=false -Dtracing.zipkin.endpoint=http://127.0.0.1:19411/api/v2/spans
         -Dquarkus.otel.traces.sampler.arg="${TRACES_SAMPLED:-1.0}")
fi
if [[ "${AUDIT_LOG:-0}" != 1 ]]; then
  # The audit log writes a line per event and service; off for the measurement (see BENCHMARKS.md).
  opts+=(-Dquarkus.log.category.\"dev.agentdojo\".level=WARN)
fi
echo "Settings: RATE=$rate SECONDS_=$duration IN_FLIGHT=$in_flight CONNECTIONS=$connections AUDIT_LOG=${AUDIT_LOG:-0} TRACES=${TRACES:-0} COLD=$cold INSTANCES=$instances WRK=${WRK:-0}; services: ${opts[*]}"
start_service() { # name port log; uses the service's AppCDS archive when the build made one
  local app="$root/$1/target/quarkus-app" cds=()
  [[ -f "$app/app-cds.jsa" ]] && cds=(-XX:SharedArchiveFile=app-cds.jsa)
  local db="${1%-service}s"  # order-service: orders
  (cd "$app" && set -a && . "$work/kafka/$1.env" && . "$work/postgres/$db.env" && set +a && exec java "${opts[@]}" "${cds[@]}" -Dquarkus.http.port="$2" -Dquarkus.management.port="$(($2 + 1000))" -jar quarkus-run.jar) > "$work/$3.log" 2>&1 &
  pids+=($!)
  names+=("$1")
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # user + system, in clock ticks
cpu_ticks() { # "part ticks" for every process of the stack (PostgreSQL: the server and its backends)
  local i pg
  for i in "${!pids[@]}"; do echo "${names[$i]} $(ticks "${pids[$i]}")"; done
  echo "kafka-broker $(ticks "$(cat "$work/kafka/broker.pid")")"
  pg="$(head -1 "$work/postgres/data/postmaster.pid")"
  for p in "$pg" $(pgrep -P "$pg"); do echo "postgresql $(ticks "$p")"; done
  if [[ -f "$work/zipkin/zipkin.pid" ]]; then echo "zipkin $(ticks "$(cat "$work/zipkin/zipkin.pid")")"; fi
}
cpu_report() { # before-file after-file accepted-orders
  local hz; hz="$(getconf CLK_TCK)"
  echo "CPU used during the measured run, per accepted order ($3 orders):"
  awk -v hz="$hz" -v n="$3" 'FNR == NR { before[$1] += $2; next } { after[$1] += $2 }
    END { for (k in after) { ms = (after[k] - before[k]) * 1000 / hz; if (k != "zipkin") all += ms
            printf "  %-16s %8.0f ms  %6.2f ms/order\n", k, ms, (n > 0 ? ms / n : 0) }
          printf "  %-16s %8.0f ms  %6.2f ms/order   (the stack, without a trace backend)\n", "all", all, (n > 0 ? all / n : 0) }' "$1" "$2"
}
ready_after() { # port start (ns): prints the ms from start until /q/health/ready (on port + 1000) answers 200
  for _ in $(seq 1 1800); do curl -sf "http://127.0.0.1:$(($1 + 1000))/q/health/ready" >/dev/null && break; sleep 0.1; done
  echo $(( ($(date +%s%N) - $2) / 1000000 ))
}
started_at=$(date +%s%N)
urls=()
for k in $(seq 0 $((instances - 1))); do
  start_service payment-service $((18081 + 2 * k)) "payment-service-$k"
  start_service order-service $((18080 + 2 * k)) "order-service-$k"
  urls+=("http://127.0.0.1:$((18080 + 2 * k))")
done
for k in $(seq 0 $((instances - 1))); do
  for port in $((18080 + 2 * k)) $((18081 + 2 * k)); do
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && break; sleep 0.5; done
  done
done
fresh="payment-service $(ready_after 18081 "$started_at") ms, order-service $(ready_after 18080 "$started_at") ms"
if [[ "${WRK:-0}" == 1 ]]; then
  # what a user would try first: wrk on POST /orders, after the same warm-up
  printf 'wrk.method = "POST"\nwrk.body = "{\\"customer\\":\\"wrk\\",\\"amount\\":19.99}"\nwrk.headers["Content-Type"] = "application/json"\n' > "$work/post.lua"
  wrk -t2 -c32 -d10s -s "$work/post.lua" "${urls[0]}/orders" > "$work/warmup.txt"
  cpu_ticks > "$work/cpu-before.txt"
  wrk ${WRK_ARGS:--t2 -c32 -d30s} --latency -s "$work/post.lua" "${urls[0]}/orders" | tee "$work/wrk.txt"
  cpu_ticks > "$work/cpu-after.txt"
  cpu_report "$work/cpu-before.txt" "$work/cpu-after.txt" "$(grep -oE '[0-9]+ requests in' "$work/wrk.txt" | cut -d' ' -f1)"
  exit 0
fi
load=(java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.OrderLoad
  --url "$(IFS=,; echo "${urls[*]}")" --kafka-login "$work/kafka/observer.client.properties" --in-flight "$in_flight" --connections "$connections")
if [[ "${RESTART:-0}" == 1 ]]; then
  echo "== start to ready on an empty topic and database: $fresh"
  for pid in "${pids[@]:0:2}"; do kill "$pid"; done
  for pid in "${pids[@]:0:2}"; do wait "$pid" 2>/dev/null || true; done
  PG_DIR="$work/postgres" java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.FillState --orders "${ORDERS:-100000}" \
    --postgres 127.0.0.1:15432 --kafka-dir "$work/kafka"
  restarted_at=$(date +%s%N)
  start_service payment-service 18081 payment-service-0-restarted
  start_service order-service 18080 order-service-0-restarted
  echo "== start to ready with these orders and events: payment-service $(ready_after 18081 "$restarted_at") ms, order-service $(ready_after 18080 "$restarted_at") ms"
elif [[ "$cold" == 1 ]]; then
  echo "== cold: right after the services became ready"
  "${load[@]}" --rate "$rate" --seconds "$duration"
  "${load[@]}" --rate "$rate" --seconds 60 > "$work/warmup.txt"
  echo "== warm: after $((rate * duration + rate * 60)) orders"
  "${load[@]}" --rate "$rate" --seconds "$duration"
else
  # warm-up, then the measured run
  "${load[@]}" --rate "$((rate / 4))" --seconds 10 > "$work/warmup.txt"
  cpu_ticks > "$work/cpu-before.txt"
  "${load[@]}" --rate "$rate" --seconds "$duration" | tee "$work/measured.txt"
  cpu_ticks > "$work/cpu-after.txt"
  cpu_report "$work/cpu-before.txt" "$work/cpu-after.txt" "$(grep -oE '^accepted \(202\) +[0-9]+' "$work/measured.txt" | grep -oE '[0-9]+$')"
fi
