package io.romotica.server.calls;

import io.romotica.protocol.CallFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.config.ServerConfig;
import io.romotica.server.realtime.Broadcaster;
import io.romotica.server.realtime.Connection;
import io.romotica.server.realtime.Party;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Support calls: the visitor's request and the agents' FIFO queue, accept / reject with the daily limits,
 * agent-started calls, transfer, hang-up, and the relay of WebRTC signaling between exactly the two
 * connections bound to a call. All state is in the database (rows locked per change), so any node can take
 * any frame; changes go out as {@code call.state} to every agent and the call's visitor, signaling only to
 * the other party's connection. A sweeper on every node marks unanswered calls missed and ends calls whose
 * side did not come back within the grace time. Thread-safe.
 */
public final class CallService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallService.class);
    private static final String NO_SUCH_CALL = "no such call";
    /** Used for the waiting-time estimate while no call has been answered recently. */
    private static final long DEFAULT_WAIT_SECONDS = 30;

    private final Jdbi jdbi;
    private final Broadcaster broadcaster;
    private final CallPolicy policy;
    private final ServerConfig.Calls config;
    private final Ids ids;
    private final Clock clock;
    private final List<Consumer<String>> recordingClosed = new CopyOnWriteArrayList<>();
    private final List<CallNews> news = new CopyOnWriteArrayList<>();

    /** What people away from the console hear about calls (the Telegram bot); called on the deciding node. */
    public interface CallNews {
        /** A visitor's call waits for an agent. */
        void incoming(String callId, String visitorName);

        /** Nobody answered a visitor's call in time. */
        void missed(String callId, String visitorName);

        /** The accept just made used up the team's calls for {@code day}. */
        void dailyLimitReached(LocalDate day, int limit);
    }

    /** Adds a listener of {@link CallNews}; a failing one is logged and does not affect the call. */
    public void onNews(CallNews listener) {
        news.add(listener);
    }

    private void tell(Consumer<CallNews> event) {
        for (CallNews n : news) {
            try {
                event.accept(n);
            } catch (RuntimeException e) {
                log.warn("a call news listener failed", e);
            }
        }
    }

    private ScheduledExecutorService sweeper;

    public CallService(
            Jdbi jdbi, Broadcaster broadcaster, CallPolicy policy, ServerConfig.Calls config, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.broadcaster = broadcaster;
        this.policy = policy;
        this.config = config;
        this.ids = ids;
        this.clock = clock;
    }

    /** Runs {@code listener} with the call id when a call's recording stops: stopped by the agent, or the end. */
    public void onRecordingClosed(Consumer<String> listener) {
        recordingClosed.add(listener);
    }

    /** Starts the sweeper (timeouts, lost connections) with the given period. */
    public void start(Duration period) {
        sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("call-sweeper").daemon(true).factory());
        sweeper.scheduleWithFixedDelay(this::sweepSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---- visitor asks, agents answer -------------------------------------------------------------------

    /** A visitor asks for a call; a resend with the same clientId answers with the same call. */
    public void request(Connection from, CallFrame.Request frame) {
        if (!(from.party() instanceof Party.Visitor visitor)) {
            throw new AppException(ErrorCode.FORBIDDEN, "only visitors ask for calls");
        }
        record Outcome(Call call, boolean created) {}
        Outcome outcome = jdbi.inTransaction(h -> {
            Optional<Call> earlier = CallRepository.byClientId(h, visitor.id(), frame.clientId());
            if (earlier.isPresent()) {
                return new Outcome(earlier.get(), false);
            }
            if (CallRepository.activeOfVisitor(h, visitor.id()).isPresent()) {
                throw new AppException(ErrorCode.CONFLICT, "you already have a call");
            }
            checkGlobalLimit(h);
            if (frame.conversationId() != null && !ownsConversation(h, visitor.id(), frame.conversationId())) {
                throw AppException.notFound("conversation");
            }
            Call call = new Call(
                    ids.newId(),
                    frame.conversationId(),
                    visitor.id(),
                    visitor.name(),
                    null,
                    null,
                    null,
                    null,
                    Call.VISITOR,
                    Call.Status.PENDING,
                    frame.video(),
                    false,
                    from.id(),
                    null,
                    now(),
                    null,
                    null,
                    null);
            CallRepository.insert(h, call, frame.clientId());
            return new Outcome(call, true);
        });
        if (outcome.created()) {
            log.info("call {} requested by visitor {}", outcome.call().id(), visitor.id());
            publishQueue();
            tell(n -> n.incoming(outcome.call().id(), visitor.name()));
        } else {
            from.send(state(outcome.call()));
        }
    }

    /** An agent rings the visitor of a conversation. */
    public void invite(Connection from, CallFrame.Invite frame) {
        Party.Agent agent = agent(from);
        Call call = jdbi.inTransaction(h -> {
            record Target(String visitorId, String visitorName) {}
            Target target = h.createQuery("select c.visitor_id, v.name from conversations c join visitors v"
                            + " on v.id = c.visitor_id where c.id = :id")
                    .bind("id", frame.conversationId())
                    .map((rs, ctx) -> new Target(rs.getString(1), rs.getString(2)))
                    .findOne()
                    .orElseThrow(() -> AppException.notFound("conversation"));
            if (CallRepository.activeOfVisitor(h, target.visitorId()).isPresent()) {
                throw new AppException(ErrorCode.CONFLICT, "the visitor is already in a call");
            }
            if (CallRepository.agentBusy(h, agent.id(), "")) {
                throw new AppException(ErrorCode.AGENT_BUSY, "you are already in a call");
            }
            CallRepository.lockAcceptCounter(h);
            checkGlobalLimit(h);
            checkAgentLimit(h, agent.id());
            Call created = new Call(
                    ids.newId(),
                    frame.conversationId(),
                    target.visitorId(),
                    target.visitorName(),
                    agent.id(),
                    agent.name(),
                    null,
                    null,
                    Call.AGENT,
                    Call.Status.RINGING,
                    frame.video(),
                    false,
                    null,
                    from.id(),
                    now(),
                    null,
                    null,
                    null);
            CallRepository.insert(h, created, null);
            return created;
        });
        log.info("call {} started by agent {} for conversation {}", call.id(), agent.id(), call.conversationId());
        broadcast(call);
    }

    /**
     * The called side takes the call: an agent a waiting call (one agent wins; daily limits and "one call at a
     * time" hold across nodes), the transfer target a transferred call, or the visitor an agent's invitation.
     */
    public void accept(Connection from, CallFrame.Accept frame) {
        Party party = from.party();
        boolean[] wasWaiting = {false};
        Call call = jdbi.inTransaction(h -> {
            CallRepository.lockAcceptCounter(h);
            Call c = CallRepository.lock(h, frame.callId()).orElseThrow(() -> AppException.notFound("call"));
            Instant now = now();
            if (party instanceof Party.Agent agent && c.status() == Call.Status.PENDING) {
                if (CallRepository.agentBusy(h, agent.id(), c.id())) {
                    throw new AppException(ErrorCode.AGENT_BUSY, "you are already in a call");
                }
                checkGlobalLimit(h);
                checkAgentLimit(h, agent.id());
                CallRepository.update(
                        h,
                        "status = 'ACCEPTED', agent_id = :a, agent_name = :n, agent_conn = :conn, accepted_at = :t,"
                                + " recording_active = :rec where id = :id",
                        "a",
                        agent.id(),
                        "n",
                        agent.name(),
                        "conn",
                        from.id(),
                        "t",
                        now,
                        "rec",
                        policy.recording() == CallPolicy.Recording.ALWAYS,
                        "id",
                        c.id());
                wasWaiting[0] = true;
            } else if (party instanceof Party.Agent agent
                    && c.status() == Call.Status.ACCEPTED
                    && agent.id().equals(c.transferTo())) {
                if (CallRepository.agentBusy(h, agent.id(), c.id())) {
                    throw new AppException(ErrorCode.AGENT_BUSY, "you are already in a call");
                }
                CallRepository.update(
                        h,
                        "agent_id = :a, agent_name = :n, agent_conn = :conn, agent_lost_at = null,"
                                + " transfer_to = null, transfer_at = null where id = :id",
                        "a",
                        agent.id(),
                        "n",
                        agent.name(),
                        "conn",
                        from.id(),
                        "id",
                        c.id());
                log.info("call {} transferred from agent {} to {}", c.id(), c.agentId(), agent.id());
            } else if (c.isVisitor(party) && c.status() == Call.Status.RINGING) {
                checkGlobalLimit(h);
                CallRepository.update(
                        h,
                        "status = 'ACCEPTED', visitor_conn = :conn, accepted_at = :t, recording_active = :rec"
                                + " where id = :id",
                        "conn",
                        from.id(),
                        "t",
                        now,
                        "rec",
                        policy.recording() == CallPolicy.Recording.ALWAYS,
                        "id",
                        c.id());
            } else if (party instanceof Party.Agent || c.isVisitor(party)) {
                throw new AppException(ErrorCode.CONFLICT, "the call is no longer waiting for you");
            } else {
                throw AppException.notFound("call");
            }
            return CallRepository.find(h, c.id()).orElseThrow();
        });
        log.info("call {} accepted by {}", call.id(), party.id());
        broadcast(call);
        if (config.dailyLimit() > 0
                && jdbi.withHandle(h -> CallRepository.acceptedSince(h, dayStart(), null)) == config.dailyLimit()) {
            LocalDate day = LocalDate.ofInstant(now(), config.timeZone());
            tell(n -> n.dailyLimitReached(day, config.dailyLimit()));
        }
        if (wasWaiting[0]) {
            publishQueue();
        }
    }

    /** The called side declines: a waiting call ends rejected; a declined transfer stays with its agent. */
    public void reject(Connection from, CallFrame.Reject frame) {
        Party party = from.party();
        Call call = jdbi.inTransaction(h -> {
            Call c = CallRepository.lock(h, frame.callId()).orElseThrow(() -> AppException.notFound("call"));
            if (party instanceof Party.Agent agent && c.status() == Call.Status.PENDING) {
                CallRepository.update(
                        h,
                        "status = 'REJECTED', agent_id = :a, agent_name = :n, ended_at = :t, end_reason = 'rejected'"
                                + " where id = :id",
                        "a",
                        agent.id(),
                        "n",
                        agent.name(),
                        "t",
                        now(),
                        "id",
                        c.id());
            } else if (party instanceof Party.Agent agent
                    && c.status() == Call.Status.ACCEPTED
                    && agent.id().equals(c.transferTo())) {
                CallRepository.update(h, "transfer_to = null, transfer_at = null where id = :id", "id", c.id());
            } else if (c.isVisitor(party) && c.status() == Call.Status.RINGING) {
                CallRepository.update(
                        h,
                        "status = 'REJECTED', ended_at = :t, end_reason = 'rejected' where id = :id",
                        "t",
                        now(),
                        "id",
                        c.id());
            } else if (party instanceof Party.Agent || c.isVisitor(party)) {
                throw new AppException(ErrorCode.CONFLICT, "the call is no longer waiting for you");
            } else {
                throw AppException.notFound("call");
            }
            return CallRepository.find(h, c.id()).orElseThrow();
        });
        log.info("call {} declined by {}", call.id(), party.id());
        settled(call);
    }

    /** A party ends the call: a waiting call is cancelled, a running one ended. Repeating it is harmless. */
    public void hangup(Connection from, CallFrame.Hangup frame) {
        Party party = from.party();
        Call call = jdbi.inTransaction(h -> {
            Call c = CallRepository.lock(h, frame.callId())
                    .filter(x -> x.isVisitor(party) || x.isAgent(party))
                    .orElseThrow(() -> AppException.notFound("call"));
            Call.Status next;
            String reason;
            switch (c.status()) {
                case PENDING -> {
                    next = Call.Status.CANCELLED;
                    reason = "cancelled";
                }
                case RINGING -> {
                    next = c.isVisitor(party) ? Call.Status.REJECTED : Call.Status.CANCELLED;
                    reason = c.isVisitor(party) ? "rejected" : "cancelled";
                }
                case ACCEPTED -> {
                    next = Call.Status.ENDED;
                    reason = c.isVisitor(party) ? "hangup-visitor" : "hangup-agent";
                }
                default -> {
                    return c;
                }
            }
            CallRepository.update(
                    h,
                    "status = :s, ended_at = :t, end_reason = :r, recording_active = false, transfer_to = null"
                            + " where id = :id",
                    "s",
                    next.name(),
                    "t",
                    now(),
                    "r",
                    reason,
                    "id",
                    c.id());
            return CallRepository.find(h, c.id()).orElseThrow();
        });
        log.info("call {} {} by {}", call.id(), call.status(), party.id());
        settled(call);
    }

    /** After a signaling reconnect: binds this connection to the sender's side and answers with the state. */
    public void resume(Connection from, CallFrame.Resume frame) {
        Call call = jdbi.inTransaction(h -> bind(h, frame.callId(), from));
        from.send(state(call));
    }

    /** Relays signaling to the other party of a running call, and nowhere else. */
    public void signal(Connection from, CallFrame.Signal frame) {
        Call call = runningCallOf(from.party(), frame.callId());
        if (!from.id().equals(call.isVisitor(from.party()) ? call.visitorConn() : call.agentConn())) {
            call = jdbi.inTransaction(h -> bind(h, frame.callId(), from));
        }
        String to = call.peerConnection(from.party());
        if (to != null) {
            broadcaster.toConnection(
                    to,
                    new ServerFrame.CallSignal(
                            call.id(),
                            frame.kind(),
                            frame.sdp(),
                            frame.candidate(),
                            frame.sdpMid(),
                            frame.sdpMLineIndex()));
        }
    }

    /**
     * In-call control: recording start/stop (the call's agent, as the policy allows; everyone is told through
     * the call's state), a screen-share request (agent to visitor), and announcements relayed to the peer.
     */
    public void control(Connection from, CallFrame.Control frame) {
        Party party = from.party();
        Call call = runningCallOf(party, frame.callId());
        switch (frame.action()) {
            case "recording-start", "recording-stop" -> {
                if (!call.isAgent(party)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "only the agent starts or stops recording");
                }
                boolean on = frame.action().equals("recording-start");
                CallPolicy.Recording rec = policy.recording();
                if (rec == CallPolicy.Recording.OFF && on) {
                    throw new AppException(ErrorCode.FORBIDDEN, "recording is switched off by the admins");
                }
                if (rec == CallPolicy.Recording.ALWAYS && !on) {
                    throw new AppException(ErrorCode.FORBIDDEN, "every call is recorded by policy");
                }
                Call changed = jdbi.inTransaction(h -> {
                    CallRepository.update(
                            h,
                            "recording_active = :on where id = :id and status = 'ACCEPTED'",
                            "on",
                            on,
                            "id",
                            call.id());
                    return CallRepository.find(h, call.id()).orElseThrow();
                });
                log.info("call {} recording {} by agent {}", call.id(), on ? "started" : "stopped", party.id());
                if (!on) {
                    recordingClosed.forEach(l -> l.accept(call.id()));
                }
                broadcast(changed);
            }
            case "share-request" -> {
                if (!call.isAgent(party)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "only the agent asks for the screen");
                }
                relay(call, party, frame.action());
            }
            default -> relay(call, party, frame.action());
        }
    }

    /** The call's agent hands it to another agent, who is rung; the call stays theirs until that one accepts. */
    public void transfer(Connection from, CallFrame.Transfer frame) {
        Party.Agent agent = agent(from);
        Call call = jdbi.inTransaction(h -> {
            Call c = CallRepository.lock(h, frame.callId())
                    .filter(x -> x.isAgent(agent))
                    .orElseThrow(() -> AppException.notFound("call"));
            if (c.status() != Call.Status.ACCEPTED) {
                throw new AppException(ErrorCode.CONFLICT, "the call is not running");
            }
            if (frame.agentId().equals(agent.id())) {
                throw AppException.invalid("agentId", "transfer to another agent");
            }
            boolean enabled = h.createQuery("select count(*) from users where id = :id and disabled = false")
                            .bind("id", frame.agentId())
                            .mapTo(Integer.class)
                            .one()
                    > 0;
            if (!enabled) {
                throw AppException.notFound("agent");
            }
            CallRepository.update(
                    h,
                    "transfer_to = :to, transfer_at = :t where id = :id",
                    "to",
                    frame.agentId(),
                    "t",
                    now(),
                    "id",
                    c.id());
            return CallRepository.find(h, c.id()).orElseThrow();
        });
        log.info("call {} offered by agent {} to agent {}", call.id(), agent.id(), frame.agentId());
        broadcast(call);
    }

    /** A connection on this node went away: its calls start their grace time. */
    public void disconnected(Connection c) {
        Instant now = now();
        jdbi.useHandle(h -> {
            CallRepository.update(
                    h,
                    "visitor_lost_at = :t where visitor_conn = :c and visitor_lost_at is null"
                            + " and status in ('PENDING', 'RINGING', 'ACCEPTED')",
                    "t",
                    now,
                    "c",
                    c.id());
            CallRepository.update(
                    h,
                    "agent_lost_at = :t where agent_conn = :c and agent_lost_at is null"
                            + " and status in ('RINGING', 'ACCEPTED')",
                    "t",
                    now,
                    "c",
                    c.id());
        });
    }

    // ---- queries ---------------------------------------------------------------------------------------

    /** Today's use of the daily limits, for the console. */
    public record Limits(
            String timeZone, LocalDate day, int teamLimit, int teamToday, int agentLimit, int agentToday) {}

    public Limits limits(String agentId) {
        Instant dayStart = dayStart();
        return jdbi.withHandle(h -> new Limits(
                config.timeZone().getId(),
                LocalDate.ofInstant(now(), config.timeZone()),
                config.dailyLimit(),
                CallRepository.acceptedSince(h, dayStart, null),
                config.dailyLimitPerAgent(),
                CallRepository.acceptedSince(h, dayStart, agentId)));
    }

    /** The waiting queue and the agent's own open calls, as states (what the console shows on load). */
    public List<ServerFrame.CallState> openFor(String agentId) {
        return jdbi.withHandle(h -> {
            List<Call> waiting = CallRepository.waiting(h);
            long wait = typicalWaitSeconds(h);
            List<ServerFrame.CallState> states = new ArrayList<>();
            for (Call c : CallRepository.openFor(h, agentId)) {
                int position = waiting.indexOf(c) + 1;
                states.add(position > 0 ? queued(c, position, wait) : state(c));
            }
            return states;
        });
    }

    /** A visitor's call that is not over yet, if any (the widget resumes it after a reload). */
    public Optional<ServerFrame.CallState> activeOf(Party.Visitor visitor) {
        return jdbi.withHandle(h -> CallRepository.activeOfVisitor(h, visitor.id()))
                .map(this::state);
    }

    /** The call if {@code party} is one of its two sides (or an agent, for any call), else NOT_FOUND. */
    Call visibleTo(Party party, String callId) {
        return jdbi.withHandle(h -> CallRepository.find(h, callId))
                .filter(c -> party instanceof Party.Agent || c.isVisitor(party))
                .orElseThrow(() -> AppException.notFound("call"));
    }

    // ---- the sweeper -----------------------------------------------------------------------------------

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("call sweep failed; next run retries", e);
        }
    }

    /** Marks unanswered calls missed and ends those whose side did not come back in time. */
    void sweep() {
        Instant now = now();
        Instant ringDeadline = now.minus(config.ringTimeout());
        Instant graceDeadline = now.minus(config.reconnectGrace());
        List<String> due = jdbi.withHandle(h -> h.createQuery("""
                        select id from calls where (status in ('PENDING', 'RINGING') and created_at < :ring)
                            or (status in ('PENDING', 'RINGING', 'ACCEPTED')
                                and (visitor_lost_at < :grace or agent_lost_at < :grace))
                            or (status = 'ACCEPTED' and transfer_at < :ring)
                        """)
                .bind("ring", CallRepository.time(ringDeadline))
                .bind("grace", CallRepository.time(graceDeadline))
                .mapTo(String.class)
                .list());
        for (String id : due) {
            expire(id, ringDeadline, graceDeadline);
        }
    }

    private void expire(String id, Instant ringDeadline, Instant graceDeadline) {
        Optional<Call> changed = jdbi.inTransaction(h -> {
            Call c = CallRepository.lock(h, id).orElse(null);
            if (c == null || !c.status().active()) {
                return Optional.empty();
            }
            Instant lost = lostAt(h, id);
            if (lost != null && lost.isBefore(graceDeadline)) {
                String status = c.status() == Call.Status.ACCEPTED ? "ENDED" : "CANCELLED";
                CallRepository.update(
                        h,
                        "status = :s, ended_at = :t, end_reason = 'connection-lost', recording_active = false,"
                                + " transfer_to = null where id = :id",
                        "s",
                        status,
                        "t",
                        now(),
                        "id",
                        id);
            } else if (c.status() != Call.Status.ACCEPTED && c.createdAt().isBefore(ringDeadline)) {
                CallRepository.update(
                        h,
                        "status = 'MISSED', ended_at = :t, end_reason = 'no-answer' where id = :id",
                        "t",
                        now(),
                        "id",
                        id);
            } else if (c.transferAt() != null && c.transferAt().isBefore(ringDeadline)) {
                CallRepository.update(h, "transfer_to = null, transfer_at = null where id = :id", "id", id);
            } else {
                return Optional.empty();
            }
            return CallRepository.find(h, id);
        });
        changed.ifPresent(c -> {
            log.info(
                    "call {} {} ({})",
                    c.id(),
                    c.status(),
                    c.endReason() == null ? "transfer unanswered" : c.endReason());
            settled(c);
            if (c.status() == Call.Status.MISSED) {
                tell(n -> n.missed(c.id(), c.visitorName()));
            }
        });
    }

    private static Instant lostAt(Handle h, String id) {
        return h.createQuery("select visitor_lost_at, agent_lost_at from calls where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> {
                    Instant v = CallRepository.instant(rs, "visitor_lost_at");
                    Instant a = CallRepository.instant(rs, "agent_lost_at");
                    return v == null ? a : a == null ? v : (v.isBefore(a) ? v : a);
                })
                .one();
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** The running call {@code party} is a side of: NOT_FOUND for anyone else, CONFLICT when not running. */
    private Call runningCallOf(Party party, String callId) {
        Call call = jdbi.withHandle(h -> CallRepository.find(h, callId))
                .filter(c -> c.isVisitor(party) || c.isAgent(party))
                .orElseThrow(() -> AppException.notFound("call"));
        if (call.status() != Call.Status.ACCEPTED) {
            throw new AppException(ErrorCode.CONFLICT, "the call is not running");
        }
        return call;
    }

    private static Party.Agent agent(Connection from) {
        if (!(from.party() instanceof Party.Agent agent)) {
            throw new AppException(ErrorCode.FORBIDDEN, "only agents do this");
        }
        return agent;
    }

    private static boolean ownsConversation(Handle h, String visitorId, String conversationId) {
        return h.createQuery("select count(*) from conversations where id = :id and visitor_id = :v")
                        .bind("id", conversationId)
                        .bind("v", visitorId)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    /** Binds {@code from} as the sender's side of the call (clearing its lost time). */
    private Call bind(Handle h, String callId, Connection from) {
        Call c = CallRepository.lock(h, callId)
                .filter(x -> x.isVisitor(from.party()) || x.isAgent(from.party()))
                .orElseThrow(() -> AppException.notFound("call"));
        if (c.isVisitor(from.party())) {
            CallRepository.update(
                    h, "visitor_conn = :c, visitor_lost_at = null where id = :id", "c", from.id(), "id", callId);
        } else {
            CallRepository.update(
                    h, "agent_conn = :c, agent_lost_at = null where id = :id", "c", from.id(), "id", callId);
        }
        return CallRepository.find(h, callId).orElseThrow();
    }

    private Instant dayStart() {
        return LocalDate.ofInstant(now(), config.timeZone())
                .atStartOfDay(config.timeZone())
                .toInstant();
    }

    private void checkGlobalLimit(Handle h) {
        if (config.dailyLimit() > 0 && CallRepository.acceptedSince(h, dayStart(), null) >= config.dailyLimit()) {
            throw new AppException(ErrorCode.DAILY_LIMIT_REACHED, "the team's calls for today are used up");
        }
    }

    private void checkAgentLimit(Handle h, String agentId) {
        if (config.dailyLimitPerAgent() > 0
                && CallRepository.acceptedSince(h, dayStart(), agentId) >= config.dailyLimitPerAgent()) {
            throw new AppException(ErrorCode.DAILY_LIMIT_REACHED, "your calls for today are used up");
        }
    }

    private void relay(Call call, Party from, String action) {
        String to = call.peerConnection(from);
        if (to != null) {
            broadcaster.toConnection(to, new ServerFrame.CallControl(call.id(), action, from.id()));
        }
    }

    private long typicalWaitSeconds(Handle h) {
        List<Long> waits = CallRepository.recentWaits(h, now().minus(Duration.ofDays(7)));
        return waits.isEmpty()
                ? DEFAULT_WAIT_SECONDS
                : Math.max(1, waits.stream().mapToLong(Long::longValue).sum() / waits.size());
    }

    private ServerFrame.CallState state(Call c) {
        return new ServerFrame.CallState(c.info(policy.recording()), null, null);
    }

    private ServerFrame.CallState queued(Call c, int position, long typicalWait) {
        return new ServerFrame.CallState(c.info(policy.recording()), position, (int) (position * typicalWait));
    }

    private void broadcast(Call c) {
        MDC.put("callId", c.id());
        try {
            broadcaster.toAgentsAndVisitor(c.visitorId(), state(c));
        } finally {
            MDC.remove("callId");
        }
    }

    /** A call left the queue or ended: everyone is told, the queue re-numbered, listeners run. */
    private void settled(Call c) {
        broadcast(c);
        if (!c.status().active()) {
            recordingClosed.forEach(l -> l.accept(c.id()));
        }
        publishQueue();
    }

    /** Every waiting call's state with its position and estimated wait, to agents and its visitor. */
    private void publishQueue() {
        jdbi.useHandle(h -> {
            long wait = typicalWaitSeconds(h);
            List<Call> waiting = CallRepository.waiting(h);
            for (int i = 0; i < waiting.size(); i++) {
                Call c = waiting.get(i);
                broadcaster.toAgentsAndVisitor(c.visitorId(), queued(c, i + 1, wait));
            }
        });
    }
}
