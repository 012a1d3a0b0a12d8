#!/usr/bin/env bash
# A local Zipkin server (io.zipkin:zipkin-server, from Maven Central, no Docker), on 127.0.0.1 only,
# keeping the spans in memory (the newest 100,000: ZIPKIN_MAX_SPANS): where the services' traces go with TRACES=1.
#
#   scripts/zipkin.sh start    resolve the server if new (130 MB, once), start it, wait until it answers
#   scripts/zipkin.sh stop     stop the server this script started (and only that one)
#   scripts/zipkin.sh status   say whether it runs, and where
#
# ZIPKIN_PORT (default 9411) and ZIPKIN_DIR (default target/zipkin) choose where. The UI is
# http://127.0.0.1:9411/zipkin/; services send spans to http://127.0.0.1:9411/api/v2/spans.
#
# The server gets only the settings it needs, not the caller's environment: Zipkin reads many plain
# variable names as its own settings (KAFKA_BOOTSTRAP_SERVERS, set for the services, would make it
# collect spans from that broker, and report itself DOWN while it cannot), so it starts with an empty
# environment but for PATH, HOME and the locale, and every collector but HTTP turned off. Its log
# (ZIPKIN_DIR/zipkin.log) is readable by its owner alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${ZIPKIN_PORT:-9411}"
dir="${ZIPKIN_DIR:-$root/target/zipkin}"
jar="$root/target/zipkin-server/zipkin-server-exec.jar"
pidfile="$dir/zipkin.pid"

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'zipkin-server-exec.jar' && echo "$pid"
}

case "${1:-}" in
  start)
    if pid="$(running_pid)"; then
      echo "Zipkin already runs (pid $pid): http://127.0.0.1:$(cat "$dir/zipkin.port")/zipkin/"
      exit 0
    fi
    if [[ ! -f "$jar" ]]; then
      echo "Resolving the Zipkin server (io.zipkin:zipkin-server:3.5.1, 130 MB) from Maven Central..."
      (cd "$root" && ./mvnw -q -B dependency:copy -Dartifact=io.zipkin:zipkin-server:3.5.1:jar:exec \
        -DoutputDirectory="$(dirname "$jar")" -Dmdep.stripVersion=true)
    fi
    mkdir -p "$dir"
    echo "Starting Zipkin on 127.0.0.1:$port..."
    java_bin="$(command -v java)" || { echo "no java on PATH" >&2; exit 1; }
    settings=(PATH="$PATH")
    for name in HOME LANG LC_ALL TZ; do
      if [[ -n "${!name:-}" ]]; then settings+=("$name=${!name}"); fi
    done
    # spans over HTTP only (POST /api/v2/spans), kept in memory; no other collector, no discovery
    settings+=(QUERY_PORT="$port" STORAGE_TYPE=mem MEM_MAX_SPANS="${ZIPKIN_MAX_SPANS:-100000}" SELF_TRACING_ENABLED=false
               COLLECTOR_HTTP_ENABLED=true COLLECTOR_GRPC_ENABLED=false COLLECTOR_KAFKA_ENABLED=false
               COLLECTOR_RABBITMQ_ENABLED=false COLLECTOR_ACTIVEMQ_ENABLED=false COLLECTOR_PULSAR_ENABLED=false
               COLLECTOR_SCRIBE_ENABLED=false DISCOVERY_EUREKA_ENABLED=false)
    rm -f "$dir/zipkin.log" # made anew below, private from the start (an older one may be readable by others)
    (umask 077 && cd "$dir" && exec nohup env -i "${settings[@]}" "$java_bin" -Xmx384m -XX:+UseSerialGC -jar "$jar" \
      '--armeria.ports[0].ip=127.0.0.1' "--armeria.ports[0].port=$port" '--armeria.ports[0].protocols[0]=http' \
      > "$dir/zipkin.log" 2>&1 < /dev/null) &
    echo $! > "$pidfile"
    echo "$port" > "$dir/zipkin.port"
    for _ in $(seq 1 240); do
      curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
      kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "Zipkin did not start; see $dir/zipkin.log" >&2; exit 1; }
      sleep 0.5
    done
    if ! curl -sf "http://127.0.0.1:$port/health" > /dev/null; then
      kill "$(cat "$pidfile")" 2> /dev/null || true # not left running unhealthy, where the next start would take it as running
      echo "Zipkin did not answer within 2 minutes; see $dir/zipkin.log" >&2
      exit 1
    fi
    echo "Zipkin runs (pid $(cat "$pidfile")): http://127.0.0.1:$port/zipkin/ (spans: http://127.0.0.1:$port/api/v2/spans)"
    ;;
  stop)
    if ! pid="$(running_pid)"; then
      echo "Zipkin is not running (no server started by this script)"
      exit 0
    fi
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    echo "Zipkin stopped (pid $pid)"
    ;;
  status)
    if pid="$(running_pid)"; then
      echo "Zipkin runs (pid $pid): http://127.0.0.1:$(cat "$dir/zipkin.port")/zipkin/"
    else
      echo "Zipkin is not running"
      exit 3
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
