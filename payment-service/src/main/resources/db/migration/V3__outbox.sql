-- Events are born in the database: a payment's outcome commits with the event that announces it
-- (the outbox), so the announce-again bookkeeping goes. A payment is CHARGING from the moment it
-- is recorded until the gateway has answered; its id is then the gateway's.
alter table payments drop column announced_at, drop column logged_at;
alter table payments alter column id drop not null;
alter table payments drop constraint payments_status_check;
alter table payments add constraint payments_status_check check (status in ('CHARGING', 'APPROVED', 'DECLINED'));

-- The stand-in payment gateway's own records (a real provider keeps these on its side): one charge
-- per idempotency key, whose first result answers every later call with that key.
create table gateway_charges (
    idempotency_key varchar(64)   primary key,
    payment_id      varchar(64)   not null,
    amount          numeric(9, 2) not null,
    currency        char(3)       not null,
    status          varchar(16)   not null check (status in ('APPROVED', 'DECLINED')),
    reason          varchar(500),
    charged_at      timestamptz   not null
);

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
