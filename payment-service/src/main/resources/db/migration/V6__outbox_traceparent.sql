-- One trace per order across the services: the W3C trace context (traceparent) of the span an event
-- was emitted in, stored with it and sent as the record's header of that name. Null when tracing is off.
alter table outbox add column traceparent varchar(64);
