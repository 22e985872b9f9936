-- Routing of new conversations to agents: per-agent capacity (set by admins) and when each agent was last
-- given a conversation (round-robin). A row appears when first needed; no row = the default capacity.
create table agent_routing (
    user_id           varchar(40) primary key references users(id) on delete cascade,
    capacity          integer,
    last_assigned_at  timestamp with time zone
);
