-- Events are born in the database: an order, its chain and the events it sends commit together
-- (the outbox), so nothing is repaired afterwards: the payment retry sweep and its columns go.
drop index orders_pending;
alter table orders drop column payment_asks, drop column payment_asked_at;

-- POST /orders with an Idempotency-Key: the first request's order answers every later one with the
-- same key (and the same body); kept for orders.idempotency-key-ttl.
create table idempotency_keys (
    key         varchar(255) primary key,
    fingerprint varchar(64)  not null, -- SHA-256 of the request's body, as placed
    order_id    varchar(36)  not null,
    created_at  timestamptz  not null
);

create index idempotency_keys_oldest_first on idempotency_keys (created_at);

-- The transactional outbox: every event this service sends to other services is inserted here in
-- the transaction of the state change that caused it, and deleted again in that same transaction.
-- The relay (Debezium, embedded in the service, or Kafka Connect) reads the inserts from the
-- write-ahead log through the publication below, so the table itself stays empty. The columns are
-- those of Debezium's outbox event router; source and instance become record headers.
create table outbox (
    id            varchar(64)  primary key, -- the event's id
    aggregatetype varchar(64)  not null,    -- 'chain'
    aggregateid   varchar(64)  not null,    -- the chain's (correlation) id: the record's key
    type          varchar(255) not null,    -- the event's name
    payload       text         not null,    -- the event's JSON envelope: the record's value
    source        varchar(255) not null,    -- the service that emitted it
    instance      varchar(255) not null     -- the instance that emitted it
);

create publication agentdojo_outbox for table outbox with (publish = 'insert');
