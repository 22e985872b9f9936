-- Support calls: one row per call with its two parties, the connections carrying their signaling and the
-- times of each step; recordings as blobs written while the call runs. A visitor's erasure removes both.

create table calls (
    id                varchar(40)  primary key,
    conversation_id   varchar(40)  references conversations(id) on delete set null,
    visitor_id        varchar(40)  not null references visitors(id) on delete cascade,
    visitor_name      varchar(200) not null,
    agent_id          varchar(40)  references users(id) on delete set null,
    agent_name        varchar(200),
    transfer_to       varchar(40)  references users(id) on delete set null,
    transfer_at       timestamp with time zone,
    initiator         varchar(16)  not null,
    client_id         varchar(64),
    status            varchar(16)  not null,
    video             boolean      not null,
    recording_active  boolean      not null default false,
    visitor_conn      varchar(64),
    agent_conn        varchar(64),
    visitor_lost_at   timestamp with time zone,
    agent_lost_at     timestamp with time zone,
    created_at        timestamp with time zone not null,
    accepted_at       timestamp with time zone,
    ended_at          timestamp with time zone,
    end_reason        varchar(32),
    constraint calls_client unique (visitor_id, client_id)
);
create index calls_status on calls(status, created_at);
create index calls_created on calls(created_at);
create index calls_accepted on calls(accepted_at);
create index calls_agent on calls(agent_id, accepted_at);

create table call_recordings (
    id            varchar(40)  primary key,
    call_id       varchar(40)  not null references calls(id) on delete cascade,
    role          varchar(16)  not null,
    party_id      varchar(40)  not null,
    blob_key      varchar(80)  not null,
    content_type  varchar(100) not null,
    size_bytes    bigint       not null default 0,
    started_at    timestamp with time zone not null,
    updated_at    timestamp with time zone not null,
    finished_at   timestamp with time zone
);
create index call_recordings_call on call_recordings(call_id);
create index call_recordings_started on call_recordings(started_at);

-- One row locked by every accept, so concurrent accepts on any node count the daily limit one at a time.
create table call_counters (
    name  varchar(40) primary key
);
insert into call_counters (name) values ('accept');
