-- One trace per order across the services: the W3C trace context (traceparent) of the span an event
-- was emitted in, stored with it and sent as the record's header of that name; and the trace each
-- event of an order's chain belongs to (GET /orders/{id}/events). Null when tracing is off.
alter table outbox add column traceparent varchar(64);
alter table order_events add column trace_id varchar(32);
