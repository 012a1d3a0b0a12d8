#!/usr/bin/env bash
# A local PostgreSQL server from Maven artifacts (PostgreSQL's own binaries), on 127.0.0.1 only,
# with the services' databases (orders, payments).
#
#   scripts/postgres.sh start    initialise the data folder if new, start the server, create the databases
#   scripts/postgres.sh stop     stop the server this script started (and only that one)
#   scripts/postgres.sh status   say whether it runs, and where
#
# PG_PORT (default 5432) and PG_DIR (default target/postgres) choose where; the folder keeps every
# database between runs (delete it for a clean slate).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
port="${PG_PORT:-5432}"
dir="${PG_DIR:-$root/target/postgres}"
pidfile="$dir/data/postmaster.pid" # PostgreSQL's own: the server writes and removes it
process="postgres -D $dir/data" # only the server of this folder: alive, a postgres process, started on this data folder

case "${1:-}" in
  start)
    if pid="$(running_pid "$pidfile" "$process")"; then
      echo "PostgreSQL already runs (pid $pid) on 127.0.0.1:$(sed -n 4p "$pidfile")"
      exit 0
    fi
    if [[ ! -f "$root/postgres-server/target/classpath.txt" || ! -d "$root/postgres-server/target/classes" ]]; then
      echo "Resolving PostgreSQL (io.zonky.test:embedded-postgres and its binaries) from Maven Central..."
      (cd "$root" && ./mvnw -q -B -pl postgres-server -am package -DskipTests)
    fi
    mkdir -p "$dir"
    echo "Starting PostgreSQL on 127.0.0.1:$port (data in $dir)..."
    pid="$(java -cp "$root/postgres-server/target/classes:$(cat "$root/postgres-server/target/classpath.txt")" \
      dev.agentdojo.postgres.LocalPostgres "$dir" "$port" orders payments)"
    echo "PostgreSQL runs (pid $pid) on 127.0.0.1:$port with databases orders, payments; log: $dir/postgres.log"
    ;;
  stop)
    if ! pid="$(running_pid "$pidfile" "$process")"; then
      echo "PostgreSQL is not running (no server started by this script)"
      exit 0
    fi
    stop_processes 30 INT "$pid" # PostgreSQL's fast shutdown: open transactions roll back, committed ones stay
    echo "PostgreSQL stopped (pid $pid)"
    ;;
  status)
    if pid="$(running_pid "$pidfile" "$process")"; then
      echo "PostgreSQL runs (pid $pid) on 127.0.0.1:$(sed -n 4p "$pidfile"); data in $dir"
    else
      echo "PostgreSQL is not running"
      exit 3
    fi
    ;;
  *)
    die -s 2 "usage: $0 start|stop|status"
    ;;
esac
