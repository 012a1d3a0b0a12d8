#!/usr/bin/env bash
# Load harness over the real broker and database: a fresh broker, a fresh PostgreSQL and both
# services, then OrderLoad posts orders at a fixed rate and reports POST -> 202 and POST -> final-state
# latency (the outcome's record on the topic) and sustained orders/s. Loopback only; stops by itself
# and stops everything it started.
#
#   scripts/load.sh                   # 2000 orders/s for 60 s, after 240 s of warm-up
#   RATE=500 SECONDS_=20 scripts/load.sh
#   INSTANCES=2 scripts/load.sh       # two instances of each service; the orders go to both order-services in turn
#   WRK=1 scripts/load.sh             # instead of OrderLoad: wrk -t2 -c32 -d30s on POST /orders (WRK_ARGS to change)
#   RESTART=1 ORDERS=100000 scripts/load.sh
#                                     # time to ready of both services on an empty topic and database, then
#                                     # with ORDERS settled orders in the databases and on the topic (FillState)
#   IN_FLIGHT=512 CONNECTIONS=64      # the client's bounds (these are the defaults)
#   COLD=1 RATE=20 SECONDS_=15 scripts/load.sh
#                                     # the first RATE*SECONDS_ orders right after the services are ready,
#                                     # then, after a minute of the same load, the same run warm
#   TRACES=1 scripts/load.sh          # tracing on in both services, every order traced into a local Zipkin
#   TRACES=1 TRACES_SAMPLED=0.1 scripts/load.sh   # one order in ten traced
#   PROFILE=1 scripts/load.sh         # also a profile of the measured run: each service's CPU by thread
#                                     # group (GC and JIT included), a Flight Recorder recording of each
#                                     # (target/load/NAME.jfr) summed up by ProfileShares, and PostgreSQL's
#                                     # time by statement (pg_stat_statements)
#   WARMUP=60 scripts/load.sh         # seconds of load at RATE before the measured run (default 240: on two
#                                     # busy cores C2 needs minutes to compile the hot code; after 60 s a
#                                     # run measures a JVM still compiling, at three times the CPU per order)
#   RATE=20 WARMUP_RATE=1000 scripts/load.sh   # the warm-up at another rate (a low RATE alone leaves the code cold)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java scripts/load.sh   # the services on another JDK
#   JAVA=.../bin/java AOT_CACHE=target/aot BUILD_ARGS=-Dquarkus.package.jar.type=aot-jar scripts/load.sh
#                                     # JDK 25+: the first run trains an AOT cache per service (written when it
#                                     # stops); later runs start from it, with BUILD=0 (a new build is a new jar)
#   BUILD=0 scripts/load.sh           # run what the last build made
#   SERVICE_OPTS="-XX:..." scripts/load.sh   # more JVM options for both services
#   BUILD_ARGS="-D..." scripts/load.sh       # more Maven options for the build it makes first
#
# After a measured run (wrk, or the default one), it prints the CPU time each part of the stack used
# during it (from /proc/<pid>/stat), per accepted order: on a shared machine a steadier figure than
# the throughput itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
cd "$root"
rate="${RATE:-2000}"
duration="${SECONDS_:-60}"
in_flight="${IN_FLIGHT:-512}"
connections="${CONNECTIONS:-64}"
cold="${COLD:-0}"
warmup="${WARMUP:-240}"
instances="${INSTANCES:-1}"
work="$root/target/load"
rm -rf "$work" && mkdir -p "$work"
pids=()
names=()
# the broker, the database and Zipkin of this run, in its folder, on ports of its own
kafka() { KAFKA_DIR="$work/kafka" KAFKA_PORT=19092 scripts/kafka.sh "$@"; }
postgres() { PG_DIR="$work/postgres" PG_PORT=15432 scripts/postgres.sh "$@"; }
zipkin() { ZIPKIN_DIR="$work/zipkin" ZIPKIN_PORT=19411 scripts/zipkin.sh "$@"; }
quietly() { "$@" > /dev/null; }
stop_services() { # each service ends as it does (an AOT cache is written on the way out): waited for, however long
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
}
# whatever ends this script (Ctrl-C too) stops everything it started: the services first
on_exit quietly zipkin stop
on_exit quietly postgres stop
on_exit quietly kafka stop
on_exit stop_services

if [[ "${BUILD:-1}" == 1 ]]; then
  ./mvnw -q -B package -DskipTests ${BUILD_ARGS:-} -pl kafka-broker,postgres-server,order-service,payment-service,benchmarks -am
fi
kafka start
PG_STATEMENTS="${PROFILE:-0}" postgres start
# The services run as scripts/demo.sh runs them (the same heap, every log line): the figure is what a user gets.
opts=(-Xmx384m -DPG_PORT=15432 ${SERVICE_OPTS:-})
if [[ "${PROFILE:-0}" == 1 ]]; then
  # Recorded from the start: Flight Recorder started later instruments JDK classes, and the JIT then compiles
  # much of the code again during the measured run. Only the measured run's samples are counted.
  opts+=(-XX:StartFlightRecording=name=load,settings=profile,method-profiling=high)
fi
if [[ "${TRACES:-0}" == 1 ]]; then
  zipkin start
  opts+=(-Dquarkus.otel.sdk.disabled=false -Dtracing.zipkin.endpoint=http://127.0.0.1:19411/api/v2/spans
         -Dquarkus.otel.traces.sampler.arg="${TRACES_SAMPLED:-1.0}")
fi
echo "Java: $("${JAVA:-java}" -version 2>&1 | head -1)"
echo "Settings: RATE=$rate SECONDS_=$duration IN_FLIGHT=$in_flight CONNECTIONS=$connections TRACES=${TRACES:-0} COLD=$cold INSTANCES=$instances WRK=${WRK:-0}; services: ${opts[*]}"
start_service() { # name port log; uses the service's AppCDS archive when the build made one
  local app="$root/$1/target/quarkus-app" cds=()
  [[ -f "$app/app-cds.jsa" ]] && cds=(-XX:SharedArchiveFile=app-cds.jsa)
  local db="${1%-service}s"  # order-service: orders
  if [[ -n "${AOT_CACHE:-}" ]]; then # JDK 25's AOT cache (JEP 483/515): made by the first run, used by the next
    mkdir -p "$AOT_CACHE"
    if [[ -f "$AOT_CACHE/$1.aot" ]]; then cds=(-XX:AOTCache="$AOT_CACHE/$1.aot"); else cds=(-XX:AOTCacheOutput="$AOT_CACHE/$1.aot"); fi
  fi
  # its log may show its login, and a Flight Recorder recording holds its environment (PROFILE=1): the
  # log and every file the service writes are readable by their owner alone from their creation
  (umask 077 && exec > "$work/$3.log" 2>&1 && cd "$app" && set -a && . "$work/kafka/$1.env" && . "$work/postgres/$db.env" && set +a && exec "${JAVA:-java}" "${opts[@]}" "${cds[@]}" -Dquarkus.http.port="$2" -Dquarkus.management.port="$(($2 + 1000))" -jar quarkus-run.jar) &
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
thread_ticks() { # "service thread-group ticks" for every thread of each service, and PostgreSQL by process kind
  local i t pg p kind
  pg="$(head -1 "$work/postgres/data/postmaster.pid")"
  for p in "$pg" $(pgrep -P "$pg"); do
    kind="$( (tr '\0' ' ' < "/proc/$p/cmdline") 2>/dev/null | awk '{ if ($1 != "postgres:") print "postmaster"; else if ($2 == "orders" || $2 == "payments") print "backend"; else print $2 }' || true)"
    [[ -n "$kind" ]] && echo "postgresql $kind $(ticks "$p")"
  done
  for i in "${!pids[@]}"; do
    for t in /proc/"${pids[$i]}"/task/*; do
      awk -v s="${names[$i]}" '{ sub(/^[0-9]+ \(/, ""); n = $0; sub(/\) .*$/, "", n); sub(/^.*\) /, "");
        split($0, f, " "); gsub(/[-#]?[0-9]+$/, "", n); gsub(/ /, "_", n); print s, n, f[12] + f[13] }' "$t/stat" 2>/dev/null || true
    done
  done
}
profile_start() {
  thread_ticks > "$work/threads-before.txt"
  date +%s%3N > "$work/window-start.txt"
  [[ "${PROFILE:-0}" == 1 ]] || return 0
  java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.StatementShares "$work/postgres" 15432 reset
}
profile_report() { # accepted-orders
  local i hz; hz="$(getconf CLK_TCK)"
  thread_ticks > "$work/threads-after.txt"
  # (a thread that ended during the run, e.g. an idle group-commit writer or compiler thread, is not counted)
  echo "The services' CPU by thread group (the JIT compilers and GC included), PostgreSQL's by process, per accepted order ($1 orders):"
  awk -v hz="$hz" -v n="$1" 'FNR == NR { before[$1 " " $2] += $3; next } { after[$1 " " $2] += $3 }
    END { for (k in after) { ms = (after[k] - before[k]) * 1000 / hz; split(k, p, " "); if (ms > 0) all[p[1]] += ms; part[k] = ms }
          for (k in part) if (part[k] > 0) { split(k, p, " "); printf "  %-16s %-28s %7.3f ms/order %5.1f %%\n", p[1], p[2], part[k] / n, 100 * part[k] / all[p[1]] } }' \
    "$work/threads-before.txt" "$work/threads-after.txt" | sort -k1,1 -k3,3nr | awk '$3 >= 0.005'
  for i in "${!pids[@]}"; do
    echo "  ${names[$i]} memory: $(awk '/VmHWM|VmRSS/ { printf "%s %d MB  ", $1, $2 / 1024 }' "/proc/${pids[$i]}/status")"
  done
  [[ "${PROFILE:-0}" == 1 ]] || return 0
  local from to; from="$(cat "$work/window-start.txt")"; to="$(date +%s%3N)"
  for i in "${!pids[@]}"; do jcmd "${pids[$i]}" JFR.dump name=load filename="$work/${names[$i]}-$i.jfr" >/dev/null; done
  for i in "${!pids[@]}"; do
    java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.ProfileShares "$work/${names[$i]}-$i.jfr" "$from" "$to" | tee "$work/${names[$i]}-$i.shares.md"
  done
  echo "PostgreSQL's time by statement:"
  java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.StatementShares "$work/postgres" 15432 report "$1" | tee "$work/statements.md"
}
ready() { curl -sf -o /dev/null "http://127.0.0.1:$(($1 + 1000))/q/health/ready"; } # port: /q/health/ready on port + 1000 answers 200
ready_after() { # port start (ns): prints the ms from start until the service on port is ready
  WAIT_POLL=0.1 wait_until 180 "the service on :$1 to be ready" ready "$1" || true
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
    wait_until 60 "the service on :$port to be ready" ready "$port" || true
  done
done
fresh="payment-service $(ready_after 18081 "$started_at") ms, order-service $(ready_after 18080 "$started_at") ms"
echo "Start to ready (both started at once): $fresh"
if [[ "${WRK:-0}" == 1 ]]; then
  # what a user would try first: wrk on POST /orders, after the same warm-up
  printf 'wrk.method = "POST"\nwrk.body = "{\\"customer\\":\\"wrk\\",\\"amount\\":19.99}"\nwrk.headers["Content-Type"] = "application/json"\n' > "$work/post.lua"
  wrk -t2 -c32 -d"${warmup}s" -s "$work/post.lua" "${urls[0]}/orders" > "$work/warmup.txt"
  cpu_ticks > "$work/cpu-before.txt"
  profile_start
  wrk ${WRK_ARGS:--t2 -c32 -d30s} --latency -s "$work/post.lua" "${urls[0]}/orders" | tee "$work/wrk.txt"
  cpu_ticks > "$work/cpu-after.txt"
  cpu_report "$work/cpu-before.txt" "$work/cpu-after.txt" "$(grep -oE '[0-9]+ requests in' "$work/wrk.txt" | cut -d' ' -f1)"
  profile_report "$(grep -oE '[0-9]+ requests in' "$work/wrk.txt" | cut -d' ' -f1)"
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
  # warm-up at the same rate until the JIT compilers have (nearly) done their work, then the measured run
  "${load[@]}" --rate "${WARMUP_RATE:-$rate}" --seconds "$warmup" > "$work/warmup.txt"
  cpu_ticks > "$work/cpu-before.txt"
  profile_start
  "${load[@]}" --rate "$rate" --seconds "$duration" | tee "$work/measured.txt"
  cpu_ticks > "$work/cpu-after.txt"
  accepted="$(grep -oE '^accepted \(202\) +[0-9]+' "$work/measured.txt" | grep -oE '[0-9]+$')"
  cpu_report "$work/cpu-before.txt" "$work/cpu-after.txt" "$accepted"
  profile_report "$accepted"
fi
