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

-- The outbox itself (its table, publication and replication slot) was created here and in V4 until
-- the outbox became an extension of its own: it is defined once now, by the extension's migrations
-- (db/outbox, with their own history table), and quarkus.flyway.repair-at-start lets a database that
-- ran the longer versions of these files carry on.
