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
    QUERY_PORT="$port" STORAGE_TYPE=mem MEM_MAX_SPANS="${ZIPKIN_MAX_SPANS:-100000}" nohup java -Xmx384m -XX:+UseSerialGC -jar "$jar" \
      '--armeria.ports[0].ip=127.0.0.1' "--armeria.ports[0].port=$port" '--armeria.ports[0].protocols[0]=http' > "$dir/zipkin.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    echo "$port" > "$dir/zipkin.port"
    for _ in $(seq 1 240); do
      curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
      kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "Zipkin did not start; see $dir/zipkin.log" >&2; exit 1; }
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:$port/health" > /dev/null || { echo "Zipkin did not answer within 2 minutes; see $dir/zipkin.log" >&2; exit 1; }
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
