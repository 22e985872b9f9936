package io.romotica.server.calls;

import io.romotica.protocol.ServerFrame.CallInfo;
import io.romotica.server.common.AppException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** The call history agents browse and export: filters, newest first, with recordings. Thread-safe. */
public final class CallHistory {
    public static final int MAX_LIMIT = 200;

    private final Jdbi jdbi;
    private final CallPolicy policy;
    private final CallRecordings recordings;
    private final ZoneId zone;

    public CallHistory(Jdbi jdbi, CallPolicy policy, CallRecordings recordings, ZoneId zone) {
        this.jdbi = jdbi;
        this.policy = policy;
        this.recordings = recordings;
        this.zone = zone;
    }

    /** One past or present call with how long it ran and what was recorded. */
    public record CallRecord(CallInfo call, Long durationSeconds, List<CallRecordings.RecordingInfo> recordings) {}

    /**
     * Filters of the history: {@code status} one of the call statuses, {@code q} part of the visitor's or
     * agent's name, {@code from}/{@code to} days (inclusive, in the configured time zone), {@code before} a
     * creation time to page back from.
     */
    public record Query(String status, String q, LocalDate from, LocalDate to, Instant before, int limit) {
        public static Query parse(Function<String, String> param, int defaultLimit) {
            String status = blankToNull(param.apply("status"));
            if (status != null) {
                try {
                    Call.Status.valueOf(status);
                } catch (IllegalArgumentException e) {
                    throw AppException.invalid("status", "unknown status");
                }
            }
            String q = blankToNull(param.apply("q"));
            if (q != null && q.length() > 200) {
                throw AppException.invalid("q", "q is longer than 200");
            }
            int limit = defaultLimit;
            String l = blankToNull(param.apply("limit"));
            if (l != null) {
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    throw AppException.invalid("limit", "limit must be a number");
                }
                if (limit < 1 || limit > MAX_LIMIT) {
                    throw AppException.invalid("limit", "limit must be 1-" + MAX_LIMIT);
                }
            }
            try {
                return new Query(
                        status,
                        q,
                        date(param.apply("from")),
                        date(param.apply("to")),
                        blankToNull(param.apply("before")) == null ? null : Instant.parse(param.apply("before")),
                        limit);
            } catch (DateTimeParseException e) {
                throw AppException.invalid("from", "dates are YYYY-MM-DD, before an ISO instant");
            }
        }

        private static LocalDate date(String v) {
            return blankToNull(v) == null ? null : LocalDate.parse(v);
        }

        private static String blankToNull(String v) {
            return v == null || v.isBlank() ? null : v.strip();
        }

        Query before(Instant next) {
            return new Query(status, q, from, to, next, limit);
        }
    }

    public List<CallRecord> find(Query query) {
        StringBuilder sql = new StringBuilder("select * from calls where 1 = 1");
        Map<String, Object> binds = new java.util.HashMap<>();
        if (query.status() != null) {
            sql.append(" and status = :status");
            binds.put("status", query.status());
        }
        if (query.q() != null) {
            sql.append(" and (lower(visitor_name) like :q escape '!' or lower(coalesce(agent_name, '')) like :q"
                    + " escape '!')");
            binds.put(
                    "q",
                    "%"
                            + query.q()
                                    .toLowerCase(Locale.ROOT)
                                    .replace("!", "!!")
                                    .replace("%", "!%")
                                    .replace("_", "!_")
                            + "%");
        }
        if (query.from() != null) {
            sql.append(" and created_at >= :from");
            binds.put(
                    "from", CallRepository.time(query.from().atStartOfDay(zone).toInstant()));
        }
        if (query.to() != null) {
            sql.append(" and created_at < :to");
            binds.put(
                    "to",
                    CallRepository.time(
                            query.to().plusDays(1).atStartOfDay(zone).toInstant()));
        }
        if (query.before() != null) {
            sql.append(" and created_at < :before");
            binds.put("before", CallRepository.time(query.before()));
        }
        sql.append(" order by created_at desc, id desc limit ").append(query.limit());
        List<Call> calls = jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString());
            binds.forEach(q::bind);
            return q.map(CallRepository::call).list();
        });
        CallPolicy.Recording rec = policy.recording();
        Map<String, List<CallRecordings.RecordingInfo>> recs =
                recordings.of(calls.stream().map(Call::id).toList()).stream()
                        .collect(Collectors.groupingBy(CallRecordings.RecordingInfo::callId));
        List<CallRecord> out = new ArrayList<>(calls.size());
        for (Call c : calls) {
            Long duration = c.acceptedAt() == null || c.endedAt() == null
                    ? null
                    : Duration.between(c.acceptedAt(), c.endedAt()).toSeconds();
            out.add(new CallRecord(c.info(rec), duration, recs.getOrDefault(c.id(), List.of())));
        }
        return out;
    }
}
