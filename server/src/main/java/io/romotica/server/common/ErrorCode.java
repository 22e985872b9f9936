package io.romotica.server.common;

/**
 * Stable error codes with their HTTP status. Clients key on {@link #name()}, never on message text, so a
 * code once shipped keeps its name.
 */
public enum ErrorCode {
    INVALID_INPUT(400),
    WEAK_PASSWORD(400),
    UNAUTHENTICATED(401),
    SESSION_EXPIRED(401),
    /** A visitor token this cluster signed, past its lifetime ({@code chat.visitor.token.ttl}). */
    VISITOR_TOKEN_EXPIRED(401),
    SECOND_FACTOR_REQUIRED(401),
    INVALID_CREDENTIALS(401),
    INVALID_CODE(401),
    FORBIDDEN(403),
    CSRF_REJECTED(403),

    SETUP_NOT_AVAILABLE(403),
    NOT_FOUND(404),
    INVITE_INVALID(404),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    LAST_ADMIN(409),
    /** A call cannot be taken today: the team's or the agent's daily call limit is used up. */
    DAILY_LIMIT_REACHED(409),
    /** The agent is already in a call. */
    AGENT_BUSY(409),
    /** Remote desktop: no host with this ID is online. */
    HOST_OFFLINE(404),
    /** Remote desktop: the host is already in a session. */
    HOST_BUSY(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    RATE_LIMITED(429),
    /** Too many failed attempts for this remote host ID or from this address: wait for the back-off. */
    LOCKED_OUT(429),
    INTERNAL(500),
    UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean isClientFault() {
        return status < 500;
    }
}
