#!/usr/bin/env bash
# The services' databases, for the postgres container of docker-compose.yml, on the volume's first
# start: each database owned by a role of its name that may log in to it alone, with a password
# (scram-sha-256), no superuser, allowed logical replication (its outbox relay reads its own
# database's log). scripts/postgres.sh makes the same on the local server (LocalPostgres).
#   PG_PASSWORD_ORDERS, PG_PASSWORD_PAYMENTS   the roles' passwords
# A password reaches psql in the statements on its standard input, never as an argument (which
# anyone on the machine reads: ps -ef, /proc/PID/cmdline).
# Standalone, without scripts/lib.sh: compose mounts this file alone into the postgres container,
# whose entrypoint may source it rather than run it.
set -euo pipefail
for database in orders payments; do
  var="PG_PASSWORD_${database^^}"
  password="${!var:?$var: the password of role $database}"
  # a standard SQL string literal: each ' doubled, nothing else special (standard_conforming_strings)
  literal="${password//\'/\'\'}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v role="$database" <<SQL
create role :"role" login replication nosuperuser nocreatedb nocreaterole password '$literal';
create database :"role" owner :"role";
revoke all on database :"role" from public;
SQL
done
