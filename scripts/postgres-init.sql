-- The services' databases, one each, for the postgres container of docker-compose.yml
-- (scripts/postgres.sh creates the same two on the local server).
create database orders;
create database payments;
