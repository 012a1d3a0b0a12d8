-- order-service's state: the orders, and the events of each order's chain.

create table orders (
    id               varchar(36)   primary key,
    customer         varchar(100)  not null,
    amount           numeric(9, 2) not null,
    currency         char(3)       not null,
    status           varchar(16)   not null check (status in ('PENDING', 'CONFIRMED', 'PAYMENT_FAILED')),
    payment_id       varchar(64),
    reason           varchar(500),
    created_at       timestamptz   not null,
    updated_at       timestamptz   not null,
    -- when payment-service was last asked to charge it; a pending order asked long ago is asked again
    payment_asked_at timestamptz   not null,
    -- the id of the outcome event (order:confirmed or payment:failed) that made it final
    settled_by       varchar(64)
);

create index orders_newest_first on orders (created_at desc);
create index orders_pending on orders (payment_asked_at) where status = 'PENDING';

create table order_events (
    id             varchar(64)  primary key,
    order_id       varchar(36)  not null references orders (id) on delete cascade,
    name           varchar(255) not null,
    args           text         not null, -- the event's args as JSON
    emitted_at     timestamptz  not null,
    source         varchar(255) not null,
    correlation_id varchar(64)  not null,
    causation_id   varchar(64)
);

create index order_events_of_order on order_events (order_id, emitted_at);
