-- Canned replies: team-wide answers an agent inserts by typing /shortcut in the composer.
create table canned_replies (
    id          varchar(40)   primary key,
    shortcut    varchar(32)   not null unique,
    body        varchar(4000) not null,
    updated_by  varchar(40)   references users(id) on delete set null,
    updated_at  timestamp with time zone not null
);
