# shellcheck shell=bash
# Helpers the scripts beside this file share; sourced, never run: after `set -euo pipefail`,
#   root="$(cd "$(dirname "$0")/.." && pwd)"
#   . "$root/scripts/lib.sh"
# Bash only, nothing it does not already use. Not for kafka-access.sh and postgres-init.sh: compose
# mounts each of them alone into a container, where this file is not.

# say MESSAGE...: a line in bold, on standard output
say() { printf '\033[1m%s\033[0m\n' "$*"; }

# die [-s STATUS] MESSAGE...: the message on standard error, then exit STATUS (1 unless given)
die() {
  local status=1
  if [[ "${1:-}" == -s ]]; then status="$2"; shift 2; fi
  printf '%s\n' "$*" >&2
  exit "$status"
}

# port_taken PORT: true when something listens on 127.0.0.1:PORT
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS WHAT COMMAND [ARG...]: runs COMMAND every WAIT_POLL seconds (0.25 unless set)
# until it succeeds. After SECONDS (to the second) without success it says on standard error what
# it waited for, and returns 1: the caller decides whether that ends the script. COMMAND runs in
# this shell, so it may end the script itself (die) when waiting longer is pointless.
wait_until() {
  local seconds="$1" what="$2" deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "Timed out after $seconds s waiting for $what" >&2
      return 1
    fi
    sleep "${WAIT_POLL:-0.25}"
  done
}

# ended PID: true when the process (or, for -PGID, every process of the group) has ended
ended() { ! kill -0 -- "$1" 2>/dev/null; }

# stop_processes SECONDS SIGNAL PID...: SIGNAL to each PID (-PGID: a whole process group), all at
# once; then each gets SECONDS to end, and SIGKILL if it has not
stop_processes() {
  local seconds="$1" signal="$2" pid
  shift 2
  for pid in "$@"; do kill -"$signal" -- "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    wait_until "$seconds" "process $pid to end on SIG$signal (then SIGKILL)" ended "$pid" \
      || kill -KILL -- "$pid" 2>/dev/null || true
  done
}

# Pid files: a script that starts a server notes its pid, and later acts only on a process that is
# still the one it started (a pid may be reused by then).
# running_pid PIDFILE MATCH: prints the pid on PIDFILE's first line when that process runs and its
# command line contains MATCH (a fixed string); fails otherwise
running_pid() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(head -1 "$1")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -qF -- "$2" && echo "$pid"
}
# operator_token DIR: DIR/operator.env holds DEAD_LETTERS_TOKEN, the operator's token for the services'
# dead letters (/dead-letters on their management ports), made at random the first time and readable
# by its owner alone, as the local servers keep their passwords
operator_token() {
  [[ -f "$1/operator.env" ]] && return
  (umask 077; printf 'DEAD_LETTERS_TOKEN=%s\n' "$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')" > "$1/operator.env")
}
# write_pid PIDFILE PID: whole or not at all (through a file beside it, then moved in place)
write_pid() { printf '%s\n' "$2" > "$1.tmp" && mv -f "$1.tmp" "$1"; }
# remove_pid PIDFILE
remove_pid() { rm -f "$1" "$1.tmp"; }

# Clean-up: on_exit registers a step; when the script ends (its end, exit, or SIGINT/SIGTERM, which
# exit 130) the steps run in the reverse order of their registration, each whatever the others did,
# and the script exits with the status it was ending with. A second Ctrl-C meanwhile is ignored (it
# would leave a server behind). cleanup_messages BEFORE AFTER: lines said around the steps.
_exit_steps=()
_exit_before=""
_exit_after=""
_exit_trapped=0

# on_exit COMMAND [ARG...]: COMMAND with its arguments as they are now (a function, to act on what
# holds by then)
on_exit() {
  _exit_steps+=("$(printf '%q ' "$@")")
  _exit_trap
}

cleanup_messages() {
  _exit_before="$1"
  _exit_after="$2"
  _exit_trap
}

_exit_trap() {
  if [[ $_exit_trapped == 0 ]]; then
    _exit_trapped=1
    trap _exit_run EXIT
    trap 'exit 130' INT TERM
  fi
}

_exit_run() {
  local status=$? i
  trap '' INT TERM
  trap - EXIT
  if [[ -n "$_exit_before" ]]; then echo; say "$_exit_before"; fi
  for ((i = ${#_exit_steps[@]} - 1; i >= 0; i--)); do
    eval "${_exit_steps[i]}" || true
  done
  if [[ -n "$_exit_after" ]]; then say "$_exit_after"; fi
  exit "$status"
}
