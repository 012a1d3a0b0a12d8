-- When the payment's outcome was read back from the event log: from then on it is known to be there,
-- and is never announced again.
alter table payments add column logged_at timestamptz;
