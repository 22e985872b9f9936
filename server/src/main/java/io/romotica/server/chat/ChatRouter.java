package io.romotica.server.chat;

import io.romotica.server.common.AppException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives unassigned open conversations to available agents with free capacity: least busy first (fewest open
 * conversations, then longest since their last assignment) or round-robin (longest since the last
 * assignment). An assignment locks the agent's routing row and the conversation row, so two nodes routing
 * at once never exceed a capacity nor assign one conversation twice. Thread-safe.
 */
public final class ChatRouter {
    /** How conversations are handed out. */
    public enum Strategy {
        LEAST_BUSY,
        ROUND_ROBIN,
        MANUAL;

        public static Strategy parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ChatRouter.class);

    private final Jdbi jdbi;
    private final Strategy strategy;
    private final int defaultCapacity;
    private final Clock clock;
    private volatile AgentPresence presence = AgentPresence.NOBODY;

    public ChatRouter(Jdbi jdbi, Strategy strategy, int defaultCapacity, Clock clock) {
        this.jdbi = jdbi;
        this.strategy = strategy;
        this.defaultCapacity = defaultCapacity;
        this.clock = clock;
    }

    /** Where routing learns who is at their desk. */
    public void presence(AgentPresence source) {
        this.presence = source;
    }

    /** Whether any agent is online to answer now. */
    public boolean anyAvailable() {
        return !presence.available().isEmpty();
    }

    /** An agent as routing and the console see them; {@code status} is online, away or offline. */
    public record AgentLoad(
            String id,
            String name,
            String status,
            int capacity,
            int open,
            boolean customCapacity,
            Instant lastAssignedAt) {}

    /** Every active agent with capacity and open (assigned, not resolved) conversations, by name. */
    public List<AgentLoad> loads() {
        return jdbi.withHandle(h -> loads(h, null));
    }

    private List<AgentLoad> loads(Handle h, Set<String> only) {
        return h
                .createQuery("""
                        select u.id, u.name, r.capacity,
                               (select count(*) from conversations c
                                where c.assignee_id = u.id and c.status <> 'RESOLVED') as open_count,
                               r.last_assigned_at
                        from users u left join agent_routing r on r.user_id = u.id
                        where not u.disabled order by u.name""")
                .map((rs, ctx) -> {
                    Integer cap = rs.getObject("capacity", Integer.class);
                    return new AgentLoad(
                            rs.getString("id"),
                            rs.getString("name"),
                            presence.statusOf(rs.getString("id")),
                            cap == null ? defaultCapacity : cap,
                            rs.getInt("open_count"),
                            cap != null,
                            Optional.ofNullable(rs.getObject("last_assigned_at", java.time.OffsetDateTime.class))
                                    .map(java.time.OffsetDateTime::toInstant)
                                    .orElse(null));
                })
                .list()
                .stream()
                .filter(a -> only == null || only.contains(a.id()))
                .toList();
    }

    /** Sets an agent's capacity (0: takes no routed conversations; null: back to the default). */
    public AgentLoad setCapacity(String agentId, Integer capacity) {
        if (capacity != null && (capacity < 0 || capacity > 1000)) {
            throw AppException.invalid("capacity", "capacity must be 0 to 1000");
        }
        return jdbi.inTransaction(h -> {
            boolean exists = h.createQuery("select 1 from users where id = :id and not disabled")
                    .bind("id", agentId)
                    .mapTo(Integer.class)
                    .findOne()
                    .isPresent();
            if (!exists) {
                throw AppException.notFound("agent");
            }
            ensureRow(h, agentId);
            h.createUpdate("update agent_routing set capacity = :c where user_id = :id")
                    .bind("c", capacity)
                    .bind("id", agentId)
                    .execute();
            return loads(h, Set.of(agentId)).getFirst();
        });
    }

    private static void ensureRow(Handle h, String agentId) {
        boolean present = h.createQuery("select 1 from agent_routing where user_id = :id")
                .bind("id", agentId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
        if (!present) {
            h.createUpdate("insert into agent_routing (user_id) values (:id)")
                    .bind("id", agentId)
                    .execute();
        }
    }

    /**
     * Routes one unassigned open conversation; returns the agent it went to, if any. Nothing happens in
     * manual mode, when nobody is available or everybody is full, or when it is assigned already.
     */
    public Optional<String> route(String conversationId) {
        if (strategy == Strategy.MANUAL) {
            return Optional.empty();
        }
        Set<String> candidates = presence.available();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        try {
            return jdbi.inTransaction(h -> {
                List<AgentLoad> free = loads(h, candidates).stream()
                        .filter(a -> a.open() < a.capacity())
                        .toList();
                for (AgentLoad pick : ordered(free)) {
                    ensureRow(h, pick.id());
                    // Lock the agent, then count again: another node may have just given them one.
                    h.createQuery("select user_id from agent_routing where user_id = :id for update")
                            .bind("id", pick.id())
                            .mapTo(String.class)
                            .one();
                    int open = h.createQuery("select count(*) from conversations"
                                    + " where assignee_id = :id and status <> 'RESOLVED'")
                            .bind("id", pick.id())
                            .mapTo(Integer.class)
                            .one();
                    if (open >= pick.capacity()) {
                        continue;
                    }
                    int taken = h.createUpdate("update conversations set assignee_id = :a"
                                    + " where id = :c and assignee_id is null and status = 'OPEN'")
                            .bind("a", pick.id())
                            .bind("c", conversationId)
                            .execute();
                    if (taken == 0) {
                        return Optional.<String>empty();
                    }
                    h.createUpdate("update agent_routing set last_assigned_at = :now where user_id = :id")
                            .bind("now", clock.instant())
                            .bind("id", pick.id())
                            .execute();
                    log.info("conversation {} routed to agent {}", conversationId, pick.id());
                    return Optional.of(pick.id());
                }
                return Optional.<String>empty();
            });
        } catch (RuntimeException e) {
            log.warn("routing conversation {} failed; it stays unassigned", conversationId, e);
            return Optional.empty();
        }
    }

    /** The waiting (unassigned open) conversations, oldest first: the queue agents take from. */
    public List<String> waiting(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select id from conversations"
                        + " where assignee_id is null and status = 'OPEN' order by created_at limit :n")
                .bind("n", limit)
                .mapTo(String.class)
                .list());
    }

    private List<AgentLoad> ordered(List<AgentLoad> free) {
        Comparator<AgentLoad> byLastAssigned = Comparator.comparing(
                        (AgentLoad a) -> a.lastAssignedAt() == null ? Instant.EPOCH : a.lastAssignedAt())
                .thenComparing(AgentLoad::id);
        Comparator<AgentLoad> order = strategy == Strategy.LEAST_BUSY
                ? Comparator.comparingInt(AgentLoad::open).thenComparing(byLastAssigned)
                : byLastAssigned;
        return free.stream().sorted(order).toList();
    }
}
