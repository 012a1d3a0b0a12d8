-- The transactional outbox: every event a service sends to other services is inserted here in the
-- transaction of the state change that caused it, and deleted again in that same transaction. The
-- relay (Debezium, embedded in the service, or Kafka Connect) reads the inserts from the write-ahead
-- log through the publication below, so the table itself stays empty. The columns are those of
-- Debezium's outbox event router; source and instance become record headers, and traceparent (the
-- W3C trace context of the span the event was emitted in; null when tracing is off) the header of
-- that name.
--
-- Written to run on any database: one that has none of it yet, and one where the services' own
-- migrations made it before the outbox was an extension (their V3, V4 and V5/V6, which stay as
-- Flyway applied them), which this carries over as it is, rows and all.
-- Each part is made only where it is missing, asked first rather than with "if not exists" (which
-- PostgreSQL answers with a notice, and Flyway logs as a warning, on every adopted outbox).
do $$
begin
    if to_regclass('outbox') is null then
        create table outbox (
            id            varchar(64)  primary key, -- the event's id
            aggregatetype varchar(64)  not null,    -- 'chain'
            aggregateid   varchar(64)  not null,    -- the chain's (correlation) id: the record's key
            type          varchar(255) not null,    -- the event's name
            payload       text         not null,    -- the event's JSON envelope: the record's value
            source        varchar(255) not null,    -- the service that emitted it
            instance      varchar(255) not null     -- the instance that emitted it
        );
    end if;
    if not exists (select 1 from information_schema.columns
                   where table_schema = current_schema() and table_name = 'outbox' and column_name = 'traceparent') then
        alter table outbox add column traceparent varchar(64);
    end if;
    if not exists (select 1 from pg_publication where pubname = 'agentdojo_outbox') then
        create publication agentdojo_outbox for table outbox with (publish = 'insert');
    end if;
end
$$;
