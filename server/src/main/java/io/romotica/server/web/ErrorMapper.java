package io.romotica.server.web;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into {@code {code, message}} with the code's status. Client faults are logged at DEBUG;
 * server faults once at ERROR with the stack, and the client sees only {@code INTERNAL}.
 */
final class ErrorMapper {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {}

    static void app(AppException e, Context ctx) {
        log.debug("{} {} -> {}: {}", ctx.method(), route(ctx), e.code(), e.getMessage());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", e.code().name());
        body.put("message", e.getMessage());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        if (e.retryAfter() != null) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            body.put("retryAfterSeconds", seconds);
            ctx.header("Retry-After", Long.toString(seconds));
        }
        write(ctx, e.code(), body);
    }

    static void javalin(HttpResponseException e, Context ctx) {
        ErrorCode code = switch (e.getStatus()) {
            case 400 -> ErrorCode.INVALID_INPUT;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> e.getStatus() < 500 ? ErrorCode.INVALID_INPUT : ErrorCode.INTERNAL;
        };
        log.debug("{} {} -> {}", ctx.method(), route(ctx), e.getStatus());
        write(
                ctx,
                code,
                Map.of("code", code.name(), "message", code.name().toLowerCase().replace('_', ' ')));
    }

    static void unexpected(Exception e, Context ctx) {
        log.error("{} {} failed", ctx.method(), route(ctx), e);
        write(ctx, ErrorCode.INTERNAL, Map.of("code", ErrorCode.INTERNAL.name(), "message", "internal error"));
    }

    /** The route template (e.g. /api/invites/{token}), never the concrete path: paths can carry tokens. */
    private static String route(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint == null ? "(unmatched)" : endpoint.path;
    }

    static void write(Context ctx, ErrorCode code, Map<String, Object> body) {
        ctx.status(code.status()).contentType("application/json").result(Json.encode(body));
    }
}
