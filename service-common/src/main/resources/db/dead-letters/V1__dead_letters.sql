-- The dead letters a service wrote (DeadLetterRecorder), and what was done with each
-- (DeadLetterOffice). Applied by DeadLetterSchema with its own history table, after the service's
-- own migrations; never edited once applied: a change is a new version.

-- One row per record set aside: from the topic (one per topic, partition and offset, however often
-- the record is read and refused), with the whole record's value, so that it can be handed to the
-- listeners again without reading Kafka.
create table if not exists dead_letters (
    id               varchar(36)   primary key,
    event_id         varchar(64),
    event_name       varchar(255),
    order_id         varchar(64),
    correlation_id   varchar(64),
    source_topic     varchar(255),
    source_partition integer,
    source_offset    bigint,
    dead_lettered_at timestamptz   not null,
    reason           varchar(32)   not null,
    failure_class    varchar(255)  not null,
    failure          varchar(2000) not null,
    envelope         text          not null,
    -- OPEN (waits for a person), RETRYING (handed to the listeners again, claimed_by), RETRIED, DISCARDED
    state            varchar(16)   not null default 'OPEN',
    retries          integer       not null default 0,
    claimed_by       varchar(255),
    claimed_at       timestamptz,
    resolved_by      varchar(255),
    resolved_at      timestamptz,
    resolution       varchar(2000)
);
create unique index if not exists dead_letters_record on dead_letters (source_topic, source_partition, source_offset)
    where source_offset is not null;
create index if not exists dead_letters_newest on dead_letters (dead_lettered_at desc, id);
create index if not exists dead_letters_of_order on dead_letters (order_id);
create index if not exists dead_letters_open on dead_letters (state) where state in ('OPEN', 'RETRYING');

-- Who did what with a dead letter, and what came of it: never updated, never deleted.
create table if not exists dead_letter_actions (
    id         bigserial     primary key,
    letter_id  varchar(36)   not null references dead_letters (id),
    action     varchar(16)   not null, -- retry, discard
    operator   varchar(255)  not null,
    acted_at   timestamptz   not null,
    outcome    varchar(2000) not null
);
create index if not exists dead_letter_actions_of_letter on dead_letter_actions (letter_id, acted_at);
