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
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
port="${ZIPKIN_PORT:-9411}"
dir="${ZIPKIN_DIR:-$root/target/zipkin}"
jar="$root/target/zipkin-server/zipkin-server-exec.jar"
pidfile="$dir/zipkin.pid"
process='zipkin-server-exec.jar' # in the command line of the server this script started

case "${1:-}" in
  start)
    if pid="$(running_pid "$pidfile" "$process")"; then
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
    java_bin="$(command -v java)" || die "no java on PATH"
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
    pid=$!
    write_pid "$pidfile" "$pid"
    echo "$port" > "$dir/zipkin.port"
    answers() { # the server answers, or the end of this script when it has ended
      curl -sf -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && return 0
      kill -0 "$pid" 2>/dev/null || die "Zipkin did not start; see $dir/zipkin.log"
      return 1
    }
    if ! wait_until 120 "Zipkin to answer on 127.0.0.1:$port" answers; then
      kill "$pid" 2> /dev/null || true # not left running unhealthy, where the next start would take it as running
      die "Zipkin did not answer within 2 minutes; see $dir/zipkin.log"
    fi
    echo "Zipkin runs (pid $pid): http://127.0.0.1:$port/zipkin/ (spans: http://127.0.0.1:$port/api/v2/spans)"
    ;;
  stop)
    if ! pid="$(running_pid "$pidfile" "$process")"; then
      echo "Zipkin is not running (no server started by this script)"
      exit 0
    fi
    stop_processes 10 TERM "$pid"
    echo "Zipkin stopped (pid $pid)"
    ;;
  status)
    if pid="$(running_pid "$pidfile" "$process")"; then
      echo "Zipkin runs (pid $pid): http://127.0.0.1:$(cat "$dir/zipkin.port")/zipkin/"
    else
      echo "Zipkin is not running"
      exit 3
    fi
    ;;
  *)
    die -s 2 "usage: $0 start|stop|status"
    ;;
esac
