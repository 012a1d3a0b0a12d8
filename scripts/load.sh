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
#   STARTUP=1 scripts/load.sh         # a start-up timeline instead of a load: the ms from each service's java launch
#                                     # to each milestone its log tells (Quarkus started, database migrated, the outbox's
#                                     # schema, consumer assigned, relay leading or standing by, warm-up done) and to
#                                     # readiness UP (polled every 50 ms), beside minimal-service (the smallest Quarkus
#                                     # service) in the same run: each alone, both at once, each after a kill -9 with
#                                     # its sibling running; REPEAT=3 rounds, then the medians
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
#   FLOOR=1 scripts/load.sh           # then the floor in the same run (benchmarks' Floor): per order what the chain
#                                     # must do and nothing more - the same rows written and committed in plain JDBC, the
#                                     # same records produced (one Kafka transaction per relayed batch, acks=all, idempotent)
#                                     # and consumed (read_committed, the services' groups), with the services' logins - as
#                                     # two processes, one per service, on the same broker and PostgreSQL once the services
#                                     # stopped (their tables emptied, the relays' slots dropped), with the same warm-up
#                                     # (WARMUP, WARMUP_RATE), rate, in-flight bound and measured seconds; prints the floor's
#                                     # report, its CPU per order (by process and by thread group) as the stack's, then both
#                                     # side by side per part and the ratio stack / floor
#   BUILD=0 scripts/load.sh           # run what the last build made
#   SERVICE_OPTS="-XX:..." scripts/load.sh   # more JVM options for both services
#   BUILD_ARGS="-D..." scripts/load.sh       # more Maven options for the build it makes first
#
# After a measured run (wrk, or the default one), it prints the CPU time each part of the stack used
# during it (from /proc/<pid>/stat), per accepted order: on a shared machine a steadier figure than
# the throughput itself. The load generator is not counted (the floor's reader of the topics neither,
# which stands for the harness's); the broker and PostgreSQL serving it are, on both sides.
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
  modules=kafka-broker,postgres-server,order-service,payment-service,benchmarks
  [[ "${STARTUP:-0}" == 1 ]] && modules+=,minimal-service
  ./mvnw -q -B package -DskipTests ${BUILD_ARGS:-} -pl "$modules" -am
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
echo "Settings: RATE=$rate SECONDS_=$duration WARMUP=$warmup IN_FLIGHT=$in_flight CONNECTIONS=$connections TRACES=${TRACES:-0} COLD=$cold INSTANCES=$instances WRK=${WRK:-0} FLOOR=${FLOOR:-0}; services: ${opts[*]}"
start_service() { # name port log; uses the service's AppCDS archive when the build made one; log.launched: when
  # its java was launched (ms since the epoch, taken just before the exec)
  local app="$root/$1/target/quarkus-app" cds=() logins=()
  [[ -f "$app/app-cds.jsa" ]] && cds=(-XX:SharedArchiveFile=app-cds.jsa)
  local db="${1%-service}s"  # order-service: orders
  [[ "$1" == minimal-service ]] || logins=("$work/kafka/$1.env" "$work/postgres/$db.env") # the yardstick logs in nowhere
  if [[ -n "${AOT_CACHE:-}" ]]; then # JDK 25's AOT cache (JEP 483/515): made by the first run, used by the next
    mkdir -p "$AOT_CACHE"
    if [[ -f "$AOT_CACHE/$1.aot" ]]; then cds=(-XX:AOTCache="$AOT_CACHE/$1.aot"); else cds=(-XX:AOTCacheOutput="$AOT_CACHE/$1.aot"); fi
  fi
  # its log may show its login, and a Flight Recorder recording holds its environment (PROFILE=1): the
  # log and every file the service writes are readable by their owner alone from their creation
  (umask 077 && exec > "$work/$3.log" 2>&1 && cd "$app" && set -a && for env in ${logins[@]+"${logins[@]}"}; do . "$env"; done && set +a \
    && launched="${EPOCHREALTIME//[!0-9]/}" && echo $((launched / 1000)) > "$work/$3.launched" && exec "${JAVA:-java}" "${opts[@]}" "${cds[@]}" -Dquarkus.http.port="$2" -Dquarkus.management.port="$(($2 + 1000))" -jar quarkus-run.jar) &
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
thread_report() { # before-file after-file accepted-orders: each process's CPU by thread group, PostgreSQL's by process kind
  local hz; hz="$(getconf CLK_TCK)"
  # (a thread that ended during the run, e.g. an idle group-commit writer or compiler thread, is not counted)
  awk -v hz="$hz" -v n="$3" 'FNR == NR { before[$1 " " $2] += $3; next } { after[$1 " " $2] += $3 }
    END { for (k in after) { ms = (after[k] - before[k]) * 1000 / hz; split(k, p, " "); if (ms > 0) all[p[1]] += ms; part[k] = ms }
          for (k in part) if (part[k] > 0) { split(k, p, " "); printf "  %-16s %-28s %7.3f ms/order %5.1f %%\n", p[1], p[2], part[k] / n, 100 * part[k] / all[p[1]] } }' \
    "$1" "$2" | sort -k1,1 -k3,3nr | awk '$3 >= 0.005'
}
profile_report() { # accepted-orders
  local i
  thread_ticks > "$work/threads-after.txt"
  echo "The services' CPU by thread group (the JIT compilers and GC included), PostgreSQL's by process, per accepted order ($1 orders):"
  thread_report "$work/threads-before.txt" "$work/threads-after.txt" "$1"
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
floor_run() { # stack-accepted: the floor after the stack, on the same broker and database, and both side by side
  local floor=("${JAVA:-java}" -Xmx384m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp benchmarks/target/benchmarks.jar
    dev.agentdojo.benchmarks.Floor) floor_accepted
  local at=(--kafka-dir "$work/kafka" --pg-dir "$work/postgres" --pg-port 15432)
  echo "== the floor: the same rows and records per order in plain JDBC and kafka-clients, after $warmup s of warm-up"
  stop_services
  pids=() names=()
  "${floor[@]}" reset "${at[@]}"
  # the harness's reader of the topics: the broker serves it as it served OrderLoad's; not counted, as the load generator is not
  "${floor[@]}" observer "${at[@]}" > "$work/floor-observer.log" 2>&1 &
  on_exit stop_processes 10 TERM "$!"
  "${floor[@]}" payment "${at[@]}" > "$work/floor-payment.log" 2>&1 &
  pids+=($!) names+=(floor-payment)
  "${floor[@]}" order "${at[@]}" --rate "$rate" --warmup "$warmup" --warmup-rate "${WARMUP_RATE:-$rate}" --seconds "$duration" --in-flight "$in_flight" \
    --signals "$work/floor" > "$work/floor-order.log" 2>&1 &
  pids+=($!) names+=(floor-order)
  WAIT_POLL=0.05 wait_until $((warmup + 300)) "the floor's warm-up" test -f "$work/floor.warm" || die "The floor did not warm up (logs: $work/floor-*.log)"
  cpu_ticks > "$work/floor-cpu-before.txt"
  thread_ticks > "$work/floor-threads-before.txt"
  touch "$work/floor.go"
  WAIT_POLL=0.05 wait_until $((duration + 300)) "the floor's measured run" test -f "$work/floor.done" || die "The floor did not finish (logs: $work/floor-*.log)"
  cpu_ticks > "$work/floor-cpu-after.txt"
  thread_ticks > "$work/floor-threads-after.txt"
  sed -n '/^orders sent/,$p' "$work/floor-order.log"
  floor_accepted="$(grep -oE '^accepted \(committed\) +[0-9]+' "$work/floor-order.log" | grep -oE '[0-9]+$')"
  cpu_report "$work/floor-cpu-before.txt" "$work/floor-cpu-after.txt" "$floor_accepted"
  echo "The floor's CPU by thread group, PostgreSQL's by process, per accepted order ($floor_accepted orders):"
  thread_report "$work/floor-threads-before.txt" "$work/floor-threads-after.txt" "$floor_accepted"
  java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.SideBySide "$(getconf CLK_TCK)" "$work/cpu-before.txt" \
    "$work/cpu-after.txt" "$1" "$work/floor-cpu-before.txt" "$work/floor-cpu-after.txt" "$floor_accepted" | tee "$work/side-by-side.md"
}
ready() { curl -sf -o /dev/null "http://127.0.0.1:$(($1 + 1000))/q/health/ready"; } # port: /q/health/ready on port + 1000 answers 200
ready_after() { # port start (ns): prints the ms from start until the service on port is ready
  WAIT_POLL=0.1 wait_until 180 "the service on :$1 to be ready" ready "$1" || true
  echo $(( ($(date +%s%N) - $2) / 1000000 ))
}
if [[ "${STARTUP:-0}" == 1 ]]; then
  # The start-up timeline. Each start is one row: the ms from its java launch to each milestone its log tells (the log's
  # HH:mm:ss.SSS is this machine's clock and time zone, as date's) and to readiness UP as a poll every 50 ms sees it.
  declare -A port=([minimal-service]=18070 [order-service]=18080 [payment-service]=18081) pid_of=()
  repeat="${REPEAT:-3}"
  forget() { local i; for i in "${!pids[@]}"; do [[ "${pids[$i]}" != "$1" ]] || unset 'pids[i]' 'names[i]'; done; }
  halt() { local s; for s in "$@"; do kill "${pid_of[$s]}"; wait "${pid_of[$s]}" 2>/dev/null || true; forget "${pid_of[$s]}"; done; }
  crash() { kill -9 "${pid_of[$1]}"; wait "${pid_of[$1]}" 2>/dev/null || true; forget "${pid_of[$1]}"; }
  await_ready() { # round scenario service...: polls each one's readiness every 50 ms until all are UP; notes when each was
    local pending=("${@:3}") still s now deadline=$((SECONDS + 180))
    while ((${#pending[@]})); do
      still=()
      for s in "${pending[@]}"; do
        if ready "${port[$s]}"; then now="${EPOCHREALTIME//[!0-9]/}"; echo $((now / 1000)) > "$work/startup-$1-$2-$s.ready"
        else still+=("$s"); fi
      done
      pending=(${still[@]+"${still[@]}"})
      ((SECONDS < deadline)) || die "Not ready after 180 s: ${pending[*]} (the logs are in $work)"
      ((${#pending[@]} == 0)) || sleep 0.05
    done
  }
  milestones() { # round scenario service: "scenario service started migrated outbox assigned relay warmed ready relay-state",
    # in ms from the launch, "-" for what the log does not tell; migrated is the service's own schema (Flyway's first)
    local name="$work/startup-$1-$2-$3" t0
    t0="$(cat "$name.launched")"
    awk -v t0="$t0" -v tod="$(date -d "@$((t0 / 1000))" +%H:%M:%S)" -v ready="$(cat "$name.ready")" -v scenario="$2" -v service="$3" '
      function ms(hms,  f) { split(hms, f, /[:.]/); return ((f[1] * 60 + f[2]) * 60 + f[3]) * 1000 + f[4] }
      function at(key, hms,  t) { if (key in seen) return; t = midnight + ms(hms); if (t < t0 - 3600000) t += 86400000; seen[key] = t - t0 }
      BEGIN { midnight = t0 - t0 % 1000 - ms(tod ".0") }
      / \[i\.quarkus\] .* started in / { at("started", $1) }
      / \[o\.f\.c\.i\.c\.DbMigrate\] (Successfully applied|Schema .* is up to date)/ { at("migrated", $1) }
      / \[d\.a\.o\.OutboxSchema\] Outbox schema / { at("outbox", $1) }
      / Event consumer assigned: / { at("assigned", $1) }
      / Outbox relay running: / { if (!("relay" in seen)) state = "leads"; at("relay", $1) }
      / Outbox relay (not running here|off)/ { if (!("relay" in seen)) state = "stands-by"; at("relay", $1) }
      / Warmed up the event path / { at("warmed", $1) }
      END { printf "%s %s", scenario, service; n = split("started migrated outbox assigned relay warmed", keys, " ")
            for (i = 1; i <= n; i++) printf " %s", (keys[i] in seen ? seen[keys[i]] : "-")
            printf " %d %s\n", ready - t0, (state == "" ? "-" : state) }' "$name.log"
  }
  columns="%-10s %-15s %8s %8s %8s %8s %8s %8s %8s %10s  %s\n"
  rows() { # minimal-ready: formats lines "scenario service started … ready [relay-state]", with ready's ratio to minimal-ready
    awk -v fmt="$columns" -v m="$1" '{ printf fmt, $1, $2, $3, $4, $5, $6, $7, $8, $9, (m > 0 ? sprintf("%.1fx", $9 / m) : "-"), $10 }'
  }
  medians() { # timeline.txt's rows: per scenario and service, in the order first met, the median of each figure
    awk 'function median(k, c,  i, j, m, a, t) {
           m = 0; for (i = 1; i <= n[k]; i++) if (v[k, c, i] != "-") a[++m] = v[k, c, i] + 0
           if (m == 0) return "-"
           for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
           return m % 2 ? a[(m + 1) / 2] : int((a[m / 2] + a[m / 2 + 1]) / 2) }
      { k = $2 " " $3; if (!(k in n)) order[++keys] = k; n[k]++; for (c = 4; c <= 10; c++) v[k, c, n[k]] = $c }
      END { for (i = 1; i <= keys; i++) { printf "%s", order[i]; for (c = 4; c <= 10; c++) printf " %s", median(order[i], c); printf "\n" } }' \
      "$work/timeline.txt"
  }
  measure() { # round scenario service...: launches each at once, waits until all are ready, then prints a row for each
    local s
    for s in "${@:3}"; do start_service "$s" "${port[$s]}" "startup-$1-$2-$s"; pid_of[$s]="${pids[-1]}"; done
    await_ready "$@"
    for s in "${@:3}"; do milestones "$1" "$2" "$s" | sed "s/^/$1 /" >> "$work/timeline.txt"; done
    for s in "${@:3}"; do
      milestones "$1" "$2" "$s" | rows "$(awk -v r="$1" '$1 == r && $3 == "minimal-service" { print $10 }' "$work/timeline.txt")"
    done
    sleep 2 # what a start leaves running (the JIT compilers) is not counted in the next one
  }
  echo "Start-up timeline, REPEAT=$repeat rounds: ms from each java launch to each milestone (migrated: the service's own"
  echo "schema; outbox: the outbox's; relay: leading or standing by; ready: readiness UP, polled every 50 ms); ready/min:"
  echo "its ready over minimal-service's, in the same round (in the medians: over its median)"
  : > "$work/timeline.txt"
  for r in $(seq 1 "$repeat"); do
    echo "== round $r of $repeat"
    printf "$columns" scenario service started migrated outbox assigned relay warmed ready ready/min relay
    measure "$r" alone minimal-service; halt minimal-service
    measure "$r" alone order-service; halt order-service      # its sibling not running
    measure "$r" alone payment-service; halt payment-service
    measure "$r" both payment-service order-service
    crash order-service; measure "$r" after-kill order-service      # kill -9, its sibling running
    crash payment-service; measure "$r" after-kill payment-service
    halt order-service payment-service
  done
  echo "== medians of $repeat rounds"
  printf "$columns" scenario service started migrated outbox assigned relay warmed ready ready/min ""
  medians | rows "$(medians | awk '$1 == "alone" && $2 == "minimal-service" { print $9 }')"
  exit 0
fi
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
  if [[ "${FLOOR:-0}" == 1 ]]; then floor_run "$accepted"; fi
fi
