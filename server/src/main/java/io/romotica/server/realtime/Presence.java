package io.romotica.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.bus.EventBus;
import io.romotica.server.common.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is here, across the cluster: agents (online, away, offline) and visitors (online or not). Each node
 * publishes a snapshot of its own connections on the bus when they change (coalesced) and every
 * {@link #HEARTBEAT}; every node merges the snapshots it has seen within {@link #NODE_TTL}, so a node that
 * dies drops out by itself. An agent is online when any of their connections is, away when all of them are
 * away. When the merged view changes, this node tells its own connections (so each client hears it once):
 * agents get {@code presence} and {@code visitor.presence}, visitors {@code chat.availability}.
 * Thread-safe.
 */
public final class Presence implements AutoCloseable {
    static final String TOPIC = "presence";
    static final String STATUS_TOPIC = "presence.status";
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration NODE_TTL = Duration.ofSeconds(35);
    private static final long COALESCE_MS = 250;

    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    /** An agent's status: the best of their connections. */
    public enum Status {
        ONLINE,
        AWAY,
        OFFLINE;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record AgentState(String name, Status status) {}

    private record NodeView(Map<String, AgentState> agents, Set<String> visitors, long seenAtNanos) {}

    /** This node's agents: per connection id, its status. */
    private record LocalAgent(String name, Map<String, Status> connections) {}

    private final String nodeId;
    private final EventBus bus;
    private final Map<String, LocalAgent> localAgents = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> localVisitors = new ConcurrentHashMap<>();
    /**
     * Statuses for connections not (yet) known here: a client may say {@code presence.set} right after
     * {@code hello}, before its connection is registered; other nodes' connections land here too and are
     * forgotten after {@link #NODE_TTL}.
     */
    private final Map<String, PendingStatus> pendingStatus = new ConcurrentHashMap<>();

    private record PendingStatus(Status status, long atNanos) {}

    private final Map<String, NodeView> nodes = new HashMap<>();
    private final List<Consumer<String>> agentAvailable = new CopyOnWriteArrayList<>();
    private final List<AgentStatusListener> agentStatus = new CopyOnWriteArrayList<>();

    /** Hears an agent come online (first connection anywhere) or go offline (last one gone). */
    public interface AgentStatusListener {
        void changed(String agentId, String agentName, boolean online);
    }

    private final ScheduledExecutorService timer;
    private Map<String, AgentState> agents = Map.of();
    private Set<String> visitors = Set.of();
    private boolean available;
    private final AtomicBoolean publishScheduled = new AtomicBoolean();
    private Consumer<ServerFrame> toAgents = f -> {};
    private Consumer<ServerFrame> toVisitors = f -> {};

    public Presence(EventBus bus, String nodeId) {
        this.bus = bus;
        this.nodeId = nodeId;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("presence").daemon(true).factory());
        bus.subscribe(TOPIC, this::received);
        bus.subscribe(STATUS_TOPIC, this::statusReceived);
        timer.scheduleWithFixedDelay(this::heartbeat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where this node's frames go: to its agents' connections and its visitors' connections. */
    void deliverTo(Consumer<ServerFrame> agentsHere, Consumer<ServerFrame> visitorsHere) {
        this.toAgents = agentsHere;
        this.toVisitors = visitorsHere;
    }

    /** Calls {@code listener} with an agent's id when they become online (to route waiting work to them). */
    public void onAgentAvailable(Consumer<String> listener) {
        agentAvailable.add(listener);
    }

    /**
     * Calls {@code listener} when an agent appears in or leaves the cluster's view (every node sees each
     * change); away and back does not count. Runs on the presence timer thread.
     */
    public void onAgentOnlineChange(AgentStatusListener listener) {
        agentStatus.add(listener);
    }

    private void tellOnline(String id, String name, boolean online) {
        agentStatus.forEach(l -> timer.execute(() -> {
            try {
                l.changed(id, name, online);
            } catch (RuntimeException e) {
                log.warn("an agent status listener failed", e);
            }
        }));
    }

    // This node's connections.

    void connected(String connectionId, Party party) {
        switch (party) {
            case Party.Agent a -> {
                PendingStatus early = pendingStatus.remove(connectionId);
                localAgents
                        .computeIfAbsent(a.id(), k -> new LocalAgent(a.name(), new ConcurrentHashMap<>()))
                        .connections()
                        .put(connectionId, early == null ? Status.ONLINE : early.status());
            }
            case Party.Visitor v ->
                localVisitors
                        .computeIfAbsent(v.id(), k -> ConcurrentHashMap.newKeySet())
                        .add(connectionId);
        }
        publishSoon();
    }

    void disconnected(String connectionId, Party party) {
        switch (party) {
            case Party.Agent a ->
                localAgents.computeIfPresent(a.id(), (k, agent) -> {
                    agent.connections().remove(connectionId);
                    return agent.connections().isEmpty() ? null : agent;
                });
            case Party.Visitor v ->
                localVisitors.computeIfPresent(v.id(), (k, set) -> {
                    set.remove(connectionId);
                    return set.isEmpty() ? null : set;
                });
        }
        publishSoon();
    }

    /** An agent's connection says online or away; the node holding it applies it (posts may land elsewhere). */
    void setStatus(String connectionId, String status) {
        bus.publish(STATUS_TOPIC, connectionId + " " + status);
    }

    private void statusReceived(String payload) {
        int sp = payload.indexOf(' ');
        String connectionId = payload.substring(0, sp);
        Status status = "away".equals(payload.substring(sp + 1)) ? Status.AWAY : Status.ONLINE;
        for (LocalAgent agent : localAgents.values()) {
            if (agent.connections().replace(connectionId, status) != null) {
                publishSoon();
                return;
            }
        }
        pendingStatus.put(connectionId, new PendingStatus(status, System.nanoTime()));
    }

    // The cluster view.

    /** Agents who may take conversations now (online, not away), anywhere in the cluster. */
    public synchronized Set<String> availableAgents() {
        Set<String> ids = new HashSet<>();
        agents.forEach((id, a) -> {
            if (a.status() == Status.ONLINE) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** An agent's status across the cluster. */
    public synchronized Status statusOf(String agentId) {
        AgentState a = agents.get(agentId);
        return a == null ? Status.OFFLINE : a.status();
    }

    /** What a connection that just opened needs to know: everyone's presence (agents) or availability. */
    synchronized void greet(Connection c) {
        switch (c.party()) {
            case Party.Agent a -> {
                agents.forEach((id, s) ->
                        c.send(new ServerFrame.Presence(id, s.name(), s.status().wire())));
                visitors.forEach(v -> c.send(new ServerFrame.VisitorPresence(v, true)));
            }
            case Party.Visitor v -> c.send(new ServerFrame.ChatAvailability(available));
        }
    }

    /**
     * Publishes shortly, once for a burst of changes. The flag is cleared before the snapshot is read, so a
     * change made while a publish runs schedules another one instead of being lost until the heartbeat.
     */
    private void publishSoon() {
        if (publishScheduled.compareAndSet(false, true)) {
            timer.schedule(
                    () -> {
                        publishScheduled.set(false);
                        publish();
                    },
                    COALESCE_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        try {
            publish();
            long now = System.nanoTime();
            pendingStatus.values().removeIf(p -> now - p.atNanos() > NODE_TTL.toNanos());
            synchronized (this) {
                if (nodes.values().removeIf(n -> now - n.seenAtNanos() > NODE_TTL.toNanos())) {
                    recompute();
                }
            }
        } catch (RuntimeException e) {
            log.warn("presence heartbeat failed", e);
        }
    }

    private void publish() {
        ObjectNode snapshot = Json.MAPPER.createObjectNode().put("node", nodeId);
        ObjectNode agentsNode = snapshot.putObject("agents");
        localAgents.forEach((id, a) -> {
            Status s = a.connections().containsValue(Status.ONLINE) ? Status.ONLINE : Status.AWAY;
            agentsNode.putObject(id).put("name", a.name()).put("status", s.name());
        });
        var visitorsNode = snapshot.putArray("visitors");
        localVisitors.keySet().forEach(visitorsNode::add);
        bus.publish(TOPIC, snapshot.toString());
    }

    private void received(String payload) {
        try {
            JsonNode n = Json.MAPPER.readTree(payload);
            Map<String, AgentState> nodeAgents = new HashMap<>();
            n.path("agents")
                    .properties()
                    .forEach(e -> nodeAgents.put(
                            e.getKey(),
                            new AgentState(
                                    e.getValue().path("name").asText(),
                                    Status.valueOf(e.getValue().path("status").asText()))));
            Set<String> nodeVisitors = new HashSet<>();
            n.path("visitors").forEach(v -> nodeVisitors.add(v.asText()));
            synchronized (this) {
                nodes.put(n.path("node").asText(), new NodeView(nodeAgents, nodeVisitors, System.nanoTime()));
                recompute();
            }
        } catch (Exception e) {
            log.warn("ignoring a bad presence snapshot", e);
        }
    }

    /** Merges the nodes' views and tells this node's connections what changed. Holds the lock. */
    private void recompute() {
        Map<String, AgentState> merged = new HashMap<>();
        Set<String> mergedVisitors = new HashSet<>();
        for (NodeView view : nodes.values()) {
            view.agents()
                    .forEach((id, a) -> merged.merge(
                            id, a, (x, y) -> x.status().ordinal() <= y.status().ordinal() ? x : y));
            mergedVisitors.addAll(view.visitors());
        }
        Map<String, AgentState> before = agents;
        agents = Map.copyOf(merged);
        for (var e : merged.entrySet()) {
            AgentState old = before.get(e.getKey());
            if (old == null) {
                tellOnline(e.getKey(), e.getValue().name(), true);
            }
            if (old == null || old.status() != e.getValue().status()) {
                toAgents.accept(new ServerFrame.Presence(
                        e.getKey(), e.getValue().name(), e.getValue().status().wire()));
                if (e.getValue().status() == Status.ONLINE) {
                    String id = e.getKey();
                    agentAvailable.forEach(l -> timer.execute(() -> l.accept(id)));
                }
            }
        }
        before.forEach((id, old) -> {
            if (!merged.containsKey(id)) {
                toAgents.accept(new ServerFrame.Presence(id, old.name(), Status.OFFLINE.wire()));
                tellOnline(id, old.name(), false);
            }
        });
        Set<String> visitorsBefore = visitors;
        visitors = Set.copyOf(mergedVisitors);
        for (String v : mergedVisitors) {
            if (!visitorsBefore.contains(v)) {
                toAgents.accept(new ServerFrame.VisitorPresence(v, true));
            }
        }
        for (String v : visitorsBefore) {
            if (!mergedVisitors.contains(v)) {
                toAgents.accept(new ServerFrame.VisitorPresence(v, false));
            }
        }
        boolean nowAvailable = merged.values().stream().anyMatch(a -> a.status() == Status.ONLINE);
        if (nowAvailable != available) {
            available = nowAvailable;
            toVisitors.accept(new ServerFrame.ChatAvailability(available));
        }
    }

    @Override
    public void close() {
        localAgents.clear();
        localVisitors.clear();
        try {
            publish(); // others drop this node's people at once instead of after the TTL
        } catch (RuntimeException e) {
            log.debug("could not say goodbye on the presence topic", e);
        }
        timer.shutdownNow();
    }
}
