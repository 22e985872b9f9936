-- How far each party (agent or visitor) has read each conversation, for read receipts and unread counts.
create table conversation_reads (
    conversation_id  varchar(40) not null references conversations(id) on delete cascade,
    party_id         varchar(40) not null,
    last_read_seq    bigint      not null,
    primary key (conversation_id, party_id)
);
