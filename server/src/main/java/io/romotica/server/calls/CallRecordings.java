package io.romotica.server.calls;

import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.realtime.Party;
import io.romotica.server.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call recordings, written while the call runs. Each side's browser records what it sends (MediaRecorder,
 * WebM) and uploads a chunk about every second at an explicit offset; each chunk is on disk (fsync) before
 * it is acknowledged, so a crash of anything loses at most the chunk in flight. A retried chunk is
 * recognised by its offset and not written twice. Recordings are listed per call, played and downloaded by
 * admins and the call's agent, deleted by admins or by the retention period (both audited). Thread-safe.
 */
public final class CallRecordings implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallRecordings.class);
    /** Largest chunk one request may carry. */
    public static final int MAX_CHUNK_BYTES = 8 * 1024 * 1024;
    /** After a recording is finished, how long the chunk still in flight from the browser is taken. */
    static final Duration LAST_CHUNK_GRACE = Duration.ofSeconds(15);

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final AuditLog audit;
    private final long maxBytes;
    private final Duration retain;
    private final Ids ids;
    private final Clock clock;
    private ScheduledExecutorService cleaner;

    public CallRecordings(
            Jdbi jdbi, BlobStore blobs, AuditLog audit, long maxBytes, Duration retain, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.blobs = blobs;
        this.audit = audit;
        this.maxBytes = maxBytes;
        this.retain = retain;
        this.ids = ids;
        this.clock = clock;
    }

    /** One recording as lists show it; {@code role} is AGENT or VISITOR (whose side it holds). */
    public record RecordingInfo(
            String id,
            String callId,
            String role,
            String contentType,
            long size,
            long durationSeconds,
            Instant startedAt,
            boolean finished) {}

    /** The bytes of a recording to stream. */
    public record Media(RecordingInfo info, InputStream body) {}

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Opens a recording of {@code party}'s side of a call that is running with recording switched on. The
     * content type must be WebM (audio or video); codecs parameters are dropped.
     */
    public RecordingInfo start(Party party, Call call, String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("video/webm") && !type.equals("audio/webm")) {
            throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "recordings are audio/webm or video/webm");
        }
        if (call.status() != Call.Status.ACCEPTED || !call.recordingActive()) {
            throw new AppException(ErrorCode.CONFLICT, "the call is not being recorded");
        }
        String role = call.isVisitor(party) ? Call.VISITOR : Call.AGENT;
        String id = ids.newId();
        Instant now = now();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into call_recordings (id, call_id, role, party_id, blob_key, content_type, started_at,
                            updated_at)
                        values (:id, :call, :role, :party, :key, :type, :t, :t)
                        """)
                .bind("id", id)
                .bind("call", call.id())
                .bind("role", role)
                .bind("party", party.id())
                .bind("key", ids.newId())
                .bind("type", type)
                .bind("t", CallRepository.time(now))
                .execute());
        log.info("call {} recording {} of the {} side started", call.id(), id, role.toLowerCase(Locale.ROOT));
        return new RecordingInfo(id, call.id(), role, type, 0, 0, now, false);
    }

    /**
     * Appends a chunk at {@code offset}. Returns the recording's size afterwards. A chunk already stored
     * (a retry) changes nothing; a gap is refused with CONFLICT and the current size in the message.
     */
    public long append(Party party, String callId, String recordingId, long offset, byte[] chunk) {
        return jdbi.inTransaction(h -> {
            record Row(String key, String partyId, Instant finishedAt) {}
            Row row = h.createQuery("select blob_key, party_id, finished_at from call_recordings"
                            + " where id = :id and call_id = :call for update")
                    .bind("id", recordingId)
                    .bind("call", callId)
                    .map((rs, ctx) ->
                            new Row(rs.getString(1), rs.getString(2), CallRepository.instant(rs, "finished_at")))
                    .findOne()
                    .filter(r -> r.partyId().equals(party.id()))
                    .orElseThrow(() -> AppException.notFound("recording"));
            long size = size(row.key());
            if (offset + chunk.length <= size) {
                return size; // a retry of what is already stored
            }
            if (offset != size) {
                throw new AppException(ErrorCode.CONFLICT, "expected offset " + size);
            }
            if (row.finishedAt() != null && row.finishedAt().isBefore(now().minus(LAST_CHUNK_GRACE))) {
                throw new AppException(ErrorCode.CONFLICT, "the recording is finished");
            }
            if (size + chunk.length > maxBytes) {
                throw new AppException(
                        ErrorCode.PAYLOAD_TOO_LARGE, "a recording may be at most " + maxBytes + " bytes");
            }
            try {
                blobs.append(row.key(), chunk);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            h.createUpdate("update call_recordings set size_bytes = :s, updated_at = :t where id = :id")
                    .bind("s", size + chunk.length)
                    .bind("t", CallRepository.time(now()))
                    .bind("id", recordingId)
                    .execute();
            return size + chunk.length;
        });
    }

    private long size(String key) {
        try {
            return blobs.size(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Marks the call's recordings finished (call ended or recording stopped); chunks arriving later than
     * {@link #LAST_CHUNK_GRACE} are refused.
     */
    public void finishAll(String callId) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update call_recordings set finished_at = :t where call_id = :c and finished_at is null")
                .bind("t", CallRepository.time(now()))
                .bind("c", callId)
                .execute());
    }

    /** The recordings of these calls, oldest first. */
    public List<RecordingInfo> of(List<String> callIds) {
        if (callIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(
                h -> h.createQuery("select * from call_recordings where call_id in (<calls>) order by started_at")
                        .bindList("calls", callIds)
                        .map((rs, ctx) -> info(rs))
                        .list());
    }

    private static RecordingInfo info(java.sql.ResultSet rs) throws java.sql.SQLException {
        Instant started = CallRepository.instant(rs, "started_at");
        Instant updated = CallRepository.instant(rs, "updated_at");
        return new RecordingInfo(
                rs.getString("id"),
                rs.getString("call_id"),
                rs.getString("role"),
                rs.getString("content_type"),
                rs.getLong("size_bytes"),
                Duration.between(started, updated).toSeconds(),
                started,
                rs.getObject("finished_at") != null);
    }

    /** A recording to play or download: admins any, agents those of calls they handled. */
    public Media open(Principal reader, String recordingId) {
        record Row(RecordingInfo info, String key, String agentId) {}
        Row row = jdbi.withHandle(h -> h.createQuery("select r.*, c.agent_id from call_recordings r join calls c"
                                + " on c.id = r.call_id where r.id = :id")
                        .bind("id", recordingId)
                        .map((rs, ctx) -> new Row(info(rs), rs.getString("blob_key"), rs.getString("agent_id")))
                        .findOne())
                .filter(r -> reader.isAdmin() || reader.userId().equals(r.agentId()))
                .orElseThrow(() -> AppException.notFound("recording"));
        try {
            return new Media(row.info(), blobs.open(row.key()));
        } catch (java.nio.file.NoSuchFileException e) {
            throw AppException.notFound("recording");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a recording (admins), audited. */
    public void delete(Principal admin, String recordingId, RequestInfo from) {
        String key = jdbi.withHandle(h -> h.createQuery("select blob_key from call_recordings where id = :id")
                        .bind("id", recordingId)
                        .mapTo(String.class)
                        .findOne())
                .orElseThrow(() -> AppException.notFound("recording"));
        remove(recordingId, key);
        audit.append(AuditEvent.of(AuditType.CALL_RECORDING_DELETED, admin, from, recordingId, "deleted by an admin"));
    }

    private void remove(String recordingId, String key) {
        jdbi.useHandle(h -> h.createUpdate("delete from call_recordings where id = :id")
                .bind("id", recordingId)
                .execute());
        try {
            blobs.delete(key);
        } catch (IOException e) {
            log.warn("recording {}: file not removed, removed from the list", recordingId, e);
        }
    }

    /** Removes every recording of a visitor's calls (before the visitor is erased); returns how many. */
    public int eraseVisitor(String visitorId) {
        List<String[]> rows = jdbi.withHandle(h -> h.createQuery("select r.id, r.blob_key from call_recordings r"
                        + " join calls c on c.id = r.call_id where c.visitor_id = :v")
                .bind("v", visitorId)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .list());
        rows.forEach(r -> remove(r[0], r[1]));
        return rows.size();
    }

    /** Deletes recordings older than the retention period; returns how many. Audited when any. */
    public int cleanup() {
        if (retain == null) {
            return 0;
        }
        List<String[]> old = jdbi.withHandle(h -> h.createQuery(
                        "select id, blob_key from call_recordings where started_at < :before")
                .bind("before", CallRepository.time(now().minus(retain)))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .list());
        old.forEach(r -> remove(r[0], r[1]));
        if (!old.isEmpty()) {
            audit.append(new AuditEvent(
                    AuditType.CALL_RECORDING_DELETED,
                    null,
                    null,
                    null,
                    null,
                    old.size() + " recordings older than " + retain + " removed by retention"));
            log.info("retention removed {} call recordings", old.size());
        }
        return old.size();
    }

    /** Runs {@link #cleanup} every {@code interval}. */
    public void start(Duration interval) {
        cleaner = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("recording-retention").daemon(true).factory());
        cleaner.scheduleWithFixedDelay(
                () -> {
                    try {
                        cleanup();
                    } catch (RuntimeException e) {
                        log.warn("recording retention failed; next run retries", e);
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (cleaner != null) {
            cleaner.shutdownNow();
        }
    }
}
