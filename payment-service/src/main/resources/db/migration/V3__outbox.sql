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

-- The outbox itself (its table, publication and replication slot) was created here and in V4 until
-- the outbox became an extension of its own: it is defined once now, by the extension's migrations
-- (db/outbox, with their own history table), and quarkus.flyway.repair-at-start lets a database that
-- ran the longer versions of these files carry on.
