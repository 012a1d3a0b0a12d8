-- How often an order's payment was asked for (1: when it was placed). Each ask again waits twice as
-- long as the one before (orders.payment-retry-after, doubled, up to orders.payment-retry-max-wait),
-- so a long outage of payment-service or of the broker is not met with a flood of requests.
alter table orders add column payment_asks integer not null default 1;
