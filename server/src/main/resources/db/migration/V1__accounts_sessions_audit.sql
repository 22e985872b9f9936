-- Accounts, sign-in sessions, invites, settings and the hash-chained audit log.
-- Written once for both PostgreSQL and H2 (PostgreSQL mode).

create table users (
    id              varchar(40)  primary key,
    email           varchar(320) not null unique,
    name            varchar(200) not null,
    role            varchar(16)  not null,
    password_hash   varchar(255) not null,
    totp_secret     varchar(255),
    totp_last_step  bigint,
    disabled        boolean      not null default false,
    failed_logins   integer      not null default 0,
    locked_at       timestamp with time zone,
    created_at      timestamp with time zone not null,
    last_login_at   timestamp with time zone
);

create table recovery_codes (
    user_id    varchar(40) not null references users(id) on delete cascade,
    code_hash  varchar(64) not null,
    used_at    timestamp with time zone,
    primary key (user_id, code_hash)
);

create table sessions (
    id              varchar(40)  primary key,
    token_hash      varchar(64)  not null unique,
    user_id         varchar(40)  not null references users(id) on delete cascade,
    stage           varchar(16)  not null,
    csrf_token      varchar(64)  not null,
    pending_secret  varchar(255),
    ip              varchar(64)  not null,
    user_agent      varchar(512) not null,
    created_at      timestamp with time zone not null,
    last_seen_at    timestamp with time zone not null,
    revoked_at      timestamp with time zone,
    revoked_reason  varchar(32)
);
create index sessions_user on sessions(user_id);

create table invites (
    id           varchar(40)  primary key,
    token_hash   varchar(64)  not null unique,
    email        varchar(320) not null,
    name         varchar(200),
    role         varchar(16)  not null,
    created_by   varchar(40)  not null,
    created_at   timestamp with time zone not null,
    expires_at   timestamp with time zone not null,
    accepted_at  timestamp with time zone,
    revoked_at   timestamp with time zone
);

create table app_settings (
    setting_key    varchar(100)  primary key,
    setting_value  varchar(4000) not null
);

create table audit_log (
    id          bigint       primary key,
    at          timestamp with time zone not null,
    type        varchar(64)  not null,
    actor_id    varchar(40),
    actor_name  varchar(200),
    ip          varchar(64),
    target      varchar(200),
    details     varchar(4000) not null,
    prev_hash   varchar(64)  not null,
    hash        varchar(64)  not null
);
create index audit_log_at on audit_log(at);
create index audit_log_type on audit_log(type);

-- One row: the id and hash of the newest audit row. Appends lock it, so the chain is linear across nodes.
create table audit_head (
    id         integer     primary key,
    last_id    bigint      not null,
    last_hash  varchar(64) not null
);
insert into audit_head (id, last_id, last_hash)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
