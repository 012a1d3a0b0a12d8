-- One trace per order across the services: the trace each event of an order's chain belongs to
-- (GET /orders/{id}/events). Null when tracing is off.
alter table order_events add column trace_id varchar(32);
