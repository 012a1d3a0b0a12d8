-- The replication slot the outbox relay reads from. Created here, before any event is written, so
-- that PostgreSQL keeps every outbox insert in its log until a relay has sent it on, whenever the
-- first relay starts. Needs wal_level = logical, and a migration of its own: PostgreSQL creates a
-- logical slot only in a transaction that has written nothing. Not made for an outbox that was
-- there before these migrations (make_slot is false, OutboxSchema): a slot made now would skip what
-- was committed since that outbox's own slot's position.
select pg_create_logical_replication_slot('agentdojo_outbox_' || current_database(), 'pgoutput')
where ${make_slot}
  and not exists (select 1 from pg_replication_slots where slot_name = 'agentdojo_outbox_' || current_database());
