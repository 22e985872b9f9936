-- Remote desktop rendezvous. A host's 9-digit ID is bound for good to the device's public key (another key
-- cannot take it); connection_id/last_seen_at say where and whether it is online; session_id is the one
-- session it is in (set with a conditional update, so two viewers on two nodes cannot both get the host).
create table remote_hosts (
    host_id        varchar(9)   primary key,
    public_key     varchar(200) not null unique,
    created_at     timestamp with time zone not null,
    connection_id  varchar(64),
    last_seen_at   timestamp with time zone,
    session_id     varchar(40)
);

-- One row per connection request that reached a host: both connections, the viewer's address key, and the
-- times of each step. status: REQUESTED, ACCEPTED (consent given, PAKE running), AUTHENTICATED (the host
-- checked the viewer's proof), ENDED (end_reason says why).
create table remote_sessions (
    id              varchar(40) primary key,
    host_id         varchar(9)  not null references remote_hosts(host_id) on delete cascade,
    host_conn       varchar(64) not null,
    viewer_conn     varchar(64) not null,
    viewer_address  varchar(64) not null,
    viewer_user_id  varchar(40),
    status          varchar(16) not null,
    created_at      timestamp with time zone not null,
    started_at      timestamp with time zone,
    ended_at        timestamp with time zone,
    end_reason      varchar(40)
);
create index remote_sessions_host_conn on remote_sessions(host_conn);
create index remote_sessions_viewer_conn on remote_sessions(viewer_conn);
