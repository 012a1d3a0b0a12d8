-- A payment remembers the request that asked for it (its event id and chain), so that a payment
-- left CHARGING, whose request may never come again (dead-lettered, lost with a crashed instance's
-- unacknowledged record), is resumed by the payment-service itself and announced as that request's
-- answer. Null for payments recorded before this column existed.
alter table payments add column request_id varchar(64), add column correlation_id varchar(64);
create index payments_charging on payments (charged_at) where status = 'CHARGING';
