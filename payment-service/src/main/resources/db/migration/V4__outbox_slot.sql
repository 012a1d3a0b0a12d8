-- The replication slot the outbox relay reads from. Created here, before any event is written, so
-- that PostgreSQL keeps every outbox insert in its log until a relay has sent it on, whenever the
-- first relay starts. Needs wal_level = logical.
select pg_create_logical_replication_slot('agentdojo_outbox_' || current_database(), 'pgoutput')
where not exists (select 1 from pg_replication_slots where slot_name = 'agentdojo_outbox_' || current_database());
