-- Live chat: visitors, their conversations, and messages with a per-conversation sequence.

create table visitors (
    id            varchar(40)  primary key,
    name          varchar(200) not null,
    email         varchar(320),
    phone         varchar(40),
    created_at    timestamp with time zone not null,
    last_seen_at  timestamp with time zone not null
);

create table conversations (
    id               varchar(40) primary key,
    visitor_id       varchar(40) not null references visitors(id) on delete cascade,
    status           varchar(16) not null,
    assignee_id      varchar(40) references users(id) on delete set null,
    last_seq         bigint      not null default 0,
    created_at       timestamp with time zone not null,
    last_message_at  timestamp with time zone not null
);
create index conversations_visitor on conversations(visitor_id);
create index conversations_status on conversations(status, last_message_at);

-- A message is identified for retries by (conversation, sender, client id): a resend returns the stored one.
create table messages (
    id               varchar(40)   primary key,
    conversation_id  varchar(40)   not null references conversations(id) on delete cascade,
    seq              bigint        not null,
    client_id        varchar(64)   not null,
    sender_kind      varchar(16)   not null,
    sender_id        varchar(40)   not null,
    sender_name      varchar(200)  not null,
    body             varchar(16000) not null,
    created_at       timestamp with time zone not null,
    constraint messages_seq unique (conversation_id, seq),
    constraint messages_client unique (conversation_id, sender_id, client_id)
);
