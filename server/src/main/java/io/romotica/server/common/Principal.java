package io.romotica.server.common;

/**
 * The signed-in person behind a request, resolved by the web layer from the session cookie.
 *
 * @param sessionId public id of the session (not the cookie token)
 * @param stage how far the session got through login
 */
public record Principal(
        String userId, String name, String email, Role role, String sessionId, Stage stage, String csrfToken) {

    public enum Role {
        ADMIN,
        AGENT
    }

    public enum Stage {
        ENROL,
        SECOND_FACTOR,
        FULL
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
