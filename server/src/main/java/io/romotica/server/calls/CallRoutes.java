package io.romotica.server.calls;

import io.javalin.http.Context;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import io.romotica.server.common.Csv;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.realtime.Parties;
import io.romotica.server.realtime.Party;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** HTTP side of calls: history and export, limits, policy, the visitor's open call, recordings. */
public final class CallRoutes {
    private static final int EXPORT_PAGE = 200;
    private static final int EXPORT_MAX_ROWS = 100_000;

    private final CallService calls;
    private final CallHistory history;
    private final CallRecordings recordings;
    private final CallPolicy policy;
    private final Parties parties;
    private final AuditLog audit;

    public CallRoutes(
            CallService calls,
            CallHistory history,
            CallRecordings recordings,
            CallPolicy policy,
            Parties parties,
            AuditLog audit) {
        this.calls = calls;
        this.history = history;
        this.recordings = recordings;
        this.policy = policy;
        this.parties = parties;
        this.audit = audit;
    }

    public record PolicyBody(CallPolicy.Recording recording) {
        public PolicyBody {
            Check.required("recording", recording);
        }
    }

    public record RecordingRequest(String contentType) {
        public RecordingRequest {
            contentType = Check.text("contentType", contentType, 200);
        }
    }

    /** Answer to a stored chunk: the recording's size now (the next chunk's offset). */
    public record ChunkStored(long size) {}

    public void register(Api api) {
        api.tag("calls")
                .get(
                        "/api/calls",
                        Access.AGENT,
                        "Call history, newest first (?status, q, from, to, before, limit)",
                        CallHistory.CallRecord[].class,
                        ctx -> Api.json(ctx, history.find(CallHistory.Query.parse(ctx::queryParam, 50))))
                .get(
                        "/api/calls/export.csv",
                        Access.AGENT,
                        "Call history as CSV, same filters",
                        String.class,
                        this::export)
                .get(
                        "/api/calls/open",
                        Access.AGENT,
                        "The waiting queue and the caller's own calls that are not over",
                        ServerFrame.CallState[].class,
                        ctx -> Api.json(ctx, calls.openFor(Api.principal(ctx).userId())))
                .get(
                        "/api/calls/limits",
                        Access.AGENT,
                        "Today's use of the team's and the caller's daily call limits",
                        CallService.Limits.class,
                        ctx -> Api.json(ctx, calls.limits(Api.principal(ctx).userId())))
                .get(
                        "/api/calls/policy",
                        Access.AGENT,
                        "The recording policy",
                        PolicyBody.class,
                        ctx -> Api.json(ctx, new PolicyBody(policy.recording())))
                .put(
                        "/api/calls/policy",
                        Access.ADMIN,
                        "Set the recording policy (OFF, NOTICE, ALWAYS)",
                        PolicyBody.class,
                        PolicyBody.class,
                        ctx -> Api.json(
                                ctx,
                                new PolicyBody(policy.setRecording(
                                        Api.principal(ctx),
                                        Api.body(ctx, PolicyBody.class).recording(),
                                        Api.requestInfo(ctx)))))
                .get(
                        "/api/calls/visitor/active",
                        Access.PUBLIC,
                        "The visitor's call that is not over (X-Visitor-Token); 204 when none",
                        ServerFrame.CallState.class,
                        ctx -> Api.json(
                                ctx, calls.activeOf(parties.visitor(ctx)).orElse(null)))
                .post(
                        "/api/calls/{id}/recordings",
                        Access.PUBLIC,
                        "Open a recording of the caller's side of a running call (agent, or visitor by token)",
                        RecordingRequest.class,
                        CallRecordings.RecordingInfo.class,
                        this::startRecording)
                .put(
                        "/api/calls/{id}/recordings/{recording}",
                        Access.PUBLIC,
                        "Append a chunk (raw bytes) at ?offset to one's own recording",
                        null,
                        ChunkStored.class,
                        this::appendChunk)
                .get(
                        "/api/calls/recordings/{recording}",
                        Access.AGENT,
                        "Play or (?download=true) download a recording: admins, and the call's agent",
                        String.class,
                        this::media)
                .delete("/api/calls/recordings/{recording}", Access.ADMIN, "Delete a recording (audited)", ctx -> {
                    recordings.delete(Api.principal(ctx), ctx.pathParam("recording"), Api.requestInfo(ctx));
                    ctx.status(204);
                });
    }

    private void startRecording(Context ctx) {
        Party party = parties.party(ctx);
        Call call = calls.visibleTo(party, ctx.pathParam("id"));
        if (!call.isVisitor(party) && !call.isAgent(party)) {
            throw AppException.notFound("call");
        }
        ctx.status(201);
        Api.json(
                ctx,
                recordings.start(
                        party, call, Api.body(ctx, RecordingRequest.class).contentType()));
    }

    private void appendChunk(Context ctx) throws IOException {
        Party party = parties.party(ctx);
        long offset;
        try {
            offset = Long.parseLong(ctx.queryParam("offset"));
        } catch (NumberFormatException e) {
            throw AppException.invalid("offset", "offset must be a number");
        }
        if (offset < 0) {
            throw AppException.invalid("offset", "offset must not be negative");
        }
        byte[] chunk;
        try (InputStream in = ctx.req().getInputStream()) {
            chunk = in.readNBytes(CallRecordings.MAX_CHUNK_BYTES + 1);
        }
        if (chunk.length > CallRecordings.MAX_CHUNK_BYTES) {
            throw new AppException(
                    ErrorCode.PAYLOAD_TOO_LARGE, "a chunk may be at most " + CallRecordings.MAX_CHUNK_BYTES + " bytes");
        }
        Api.json(
                ctx,
                new ChunkStored(
                        recordings.append(party, ctx.pathParam("id"), ctx.pathParam("recording"), offset, chunk)));
    }

    private void media(Context ctx) {
        CallRecordings.Media media = recordings.open(Api.principal(ctx), ctx.pathParam("recording"));
        String name =
                "call-" + media.info().callId() + "-" + media.info().role().toLowerCase(java.util.Locale.ROOT) + "-"
                        + media.info().id() + ".webm";
        ctx.header(
                "Content-Disposition",
                ("true".equals(ctx.queryParam("download")) ? "attachment" : "inline") + "; filename=\"" + name + "\"");
        ctx.header("Content-Security-Policy", "default-src 'none'; media-src 'self'; sandbox");
        ctx.header("Cache-Control", "private, no-store");
        ctx.writeSeekableStream(
                media.body(), media.info().contentType(), media.info().size());
    }

    private void export(Context ctx) throws IOException {
        CallHistory.Query first = CallHistory.Query.parse(ctx::queryParam, EXPORT_PAGE);
        audit.append(
                AuditEvent.of(AuditType.CALL_HISTORY_EXPORTED, Api.principal(ctx), Api.requestInfo(ctx), null, ""));
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"romotica-calls.csv\"");
        try (Writer out = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8)) {
            out.write("id,status,created_at,accepted_at,ended_at,duration_seconds,visitor,agent,initiator,video,"
                    + "end_reason,recordings\n");
            CallHistory.Query q = first;
            for (int written = 0; written < EXPORT_MAX_ROWS; ) {
                List<CallHistory.CallRecord> rows = history.find(q);
                for (CallHistory.CallRecord r : rows) {
                    ServerFrame.CallInfo c = r.call();
                    out.write(Csv.row(
                            c.id(),
                            c.status(),
                            str(c.createdAt()),
                            str(c.acceptedAt()),
                            str(c.endedAt()),
                            str(r.durationSeconds()),
                            c.visitorName(),
                            c.agentName(),
                            c.initiator(),
                            Boolean.toString(c.video()),
                            c.endReason(),
                            Integer.toString(r.recordings().size())));
                }
                written += rows.size();
                if (rows.size() < q.limit()) {
                    break;
                }
                q = q.before(rows.getLast().call().createdAt());
            }
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
