-- Chat attachments (images, voice notes, files) and message kinds (text, attachment, internal note).
-- Attachment bytes live in the blob store under random keys; this table holds what the UI and access
-- checks need. A conversation's attachments go with it (right to be forgotten, retention).

create table attachments (
    id               varchar(40)  primary key,
    conversation_id  varchar(40)  not null references conversations(id) on delete cascade,
    uploader_id      varchar(40)  not null,
    name             varchar(255) not null,
    content_type     varchar(100) not null,
    size_bytes       bigint       not null,
    blob_key         varchar(64)  not null,
    thumb_key        varchar(64),
    width            integer,
    height           integer,
    created_at       timestamp with time zone not null
);
create index attachments_conversation on attachments(conversation_id);
create index attachments_created on attachments(created_at);

-- TEXT, ATTACHMENT or NOTE (internal: agents only).
alter table messages add column kind varchar(16) not null default 'TEXT';
alter table messages add column attachment_id varchar(40) references attachments(id) on delete set null;
