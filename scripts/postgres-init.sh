#!/usr/bin/env bash
# The services' databases, for the postgres container of docker-compose.yml, on the volume's first
# start: each database owned by a role of its name that may log in to it alone, with a password
# (scram-sha-256), no superuser, allowed logical replication (its outbox relay reads its own
# database's log). scripts/postgres.sh makes the same on the local server (LocalPostgres).
#   PG_PASSWORD_ORDERS, PG_PASSWORD_PAYMENTS   the roles' passwords
set -euo pipefail
for database in orders payments; do
  var="PG_PASSWORD_${database^^}"
  password="${!var:?$var: the password of role $database}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v role="$database" -v password="$password" <<'SQL'
create role :"role" login replication nosuperuser nocreatedb nocreaterole password :'password';
create database :"role" owner :"role";
revoke all on database :"role" from public;
SQL
done
