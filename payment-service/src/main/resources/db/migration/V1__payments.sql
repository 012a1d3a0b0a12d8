-- payment-service's state: the payments, one per order at most.

create table payments (
    -- one charge per order, whichever instance is asked and however often: a second insert fails
    order_id     varchar(36)   primary key,
    id           varchar(64)   not null unique,
    amount       numeric(9, 2) not null,
    currency     char(3)       not null,
    status       varchar(16)   not null check (status in ('APPROVED', 'DECLINED')),
    reason       varchar(500),
    charged_at   timestamptz   not null,
    -- when its outcome (order:confirmed or payment:failed) was acknowledged by the event log
    announced_at timestamptz
);

create index payments_newest_first on payments (charged_at desc);
