package io.romotica.server.audit;

import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;

/**
 * A filter over the audit log, from query parameters: {@code type}, {@code actor} (user id or part of a
 * name), {@code from}/{@code to} (dates, UTC, {@code to} inclusive), {@code before} (row id, for paging),
 * {@code limit} (1–500).
 */
public record AuditQuery(String type, String actor, Instant from, Instant to, Long before, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** Parses query parameters ({@code param} returns null when absent). */
    public static AuditQuery parse(Function<String, String> param, int maxLimit) {
        String type = Check.optionalText("type", param.apply("type"), 64);
        if (type != null && !AuditRepository.types().contains(type)) {
            throw AppException.invalid("type", "unknown audit event type");
        }
        Instant from = date("from", param.apply("from"), 0);
        Instant to = date("to", param.apply("to"), 1);
        Long before = number("before", param.apply("before"), 1, Long.MAX_VALUE);
        Long limit = number("limit", param.apply("limit"), 1, maxLimit);
        return new AuditQuery(
                type,
                Check.optionalText("actor", param.apply("actor"), 200),
                from,
                to,
                before,
                limit == null ? Math.min(DEFAULT_LIMIT, maxLimit) : limit.intValue());
    }

    public static AuditQuery parse(Map<String, String> params) {
        return parse(params::get, MAX_LIMIT);
    }

    private static Instant date(String field, String value, int plusDays) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip())
                    .plusDays(plusDays)
                    .atStartOfDay()
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw AppException.invalid(field, field + " must be a date like 2026-01-31");
        }
    }

    private static Long number(String field, String value, long min, long max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n < min || n > max) {
                throw AppException.invalid(field, field + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw AppException.invalid(field, field + " must be a whole number");
        }
    }
}
