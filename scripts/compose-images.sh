#!/usr/bin/env bash
# Builds the images docker-compose.local.yml uses, from Debian's packages and this project's Maven
# artifacts, for a machine that cannot pull from Docker Hub, Quay or Red Hat's registry:
#   local/debian:bookworm   debootstrap --variant=minbase bookworm, imported (the root file system is
#                           cached in ~/.cache/agent-dojo/debian-bookworm.tar: ~40 s the first time)
#   local/jre:17            + openjdk-17-jre-headless and curl, the services' base (~1 min)
#   local/postgres:15       + Debian's PostgreSQL 15, behaving as the official image (~30 s)
#   local/kafka:4.1.2       local/jre:17 + the broker and tools kafka-broker resolves from Maven (~20 s)
# Each image is built again only when it is missing or REBUILD=1. Needs a running Docker engine and,
# the first time, debootstrap (apt-get install debootstrap) run as root. Then:
#   docker compose -f docker-compose.yml -f docker-compose.local.yml up --build
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/agent-dojo"
timed() { # what, then the command
  local what="$1" start; shift
  start=$(date +%s)
  echo "== $what"
  "$@"
  echo "   $what: $(( $(date +%s) - start )) s"
}
missing() { [[ "${REBUILD:-0}" == 1 ]] || ! docker image inspect "$1" > /dev/null 2>&1; }

command -v docker > /dev/null || die "compose-images: no docker command: install Docker (Debian: apt-get install docker.io)"
docker info > /dev/null 2>&1 || die "compose-images: no Docker engine answers: start one (as root: dockerd > /tmp/dockerd.log 2>&1 &)"

base() {
  if [[ ! -s "$cache/debian-bookworm.tar" ]]; then
    command -v debootstrap > /dev/null || die "compose-images: debootstrap is missing: apt-get install debootstrap"
    [[ "$(id -u)" == 0 ]] || die "compose-images: debootstrap must run as root"
    mkdir -p "$cache"
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase bookworm "$cache/rootfs" > "$cache/debootstrap.log" 2>&1 \
      || die "compose-images: debootstrap failed; see $cache/debootstrap.log"
    tar -C "$cache/rootfs" -cf "$cache/debian-bookworm.tar.part" . && mv "$cache/debian-bookworm.tar.part" "$cache/debian-bookworm.tar"
    rm -rf "$cache/rootfs"
  fi
  docker import "$cache/debian-bookworm.tar" local/debian:bookworm > /dev/null
}
kafka() {
  local context="$root/target/compose-images/kafka"
  (cd "$root" && ./mvnw -q -B -pl kafka-broker -am package -DskipTests)
  rm -rf "$context" && mkdir -p "$context/libs"
  cp -r "$root/docker/local/kafka/." "$context/"
  { tr ':' '\n' < "$root/kafka-broker/target/classpath.txt"; echo; } | while read -r jar; do [[ -n "$jar" ]] && cp "$jar" "$context/libs/"; done
  cp "$root"/kafka-broker/target/kafka-broker-*.jar "$context/libs/"
  docker build -q -t local/kafka:4.1.2 "$context" > /dev/null
}

missing local/debian:bookworm && timed "local/debian:bookworm (debootstrap, once)" base
missing local/jre:17 && timed "local/jre:17" docker build -q -t local/jre:17 "$root/docker/local/jre"
missing local/postgres:15 && timed "local/postgres:15" docker build -q -t local/postgres:15 "$root/docker/local/postgres"
missing local/kafka:4.1.2 && timed "local/kafka:4.1.2" kafka
docker images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^local/' | sort
