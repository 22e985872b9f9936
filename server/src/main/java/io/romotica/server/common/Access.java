package io.romotica.server.common;

/** Who may call a route. The web layer checks it before the handler runs. */
public enum Access {
    /** Anyone, no session needed. */
    PUBLIC,
    /** Any session, at any stage of sign-in (e.g. to sign out). */
    SESSION,
    /**
     * A session that has passed the password but must still enrol a second factor. Full sessions cannot
     * re-enrol: replacing a second factor needs an admin's reset, so a stolen session cannot take over.
     */
    ENROL,
    /** A session that has passed the password and must now give its second factor. */
    SECOND_FACTOR,
    /** A fully signed-in agent or admin. */
    AGENT,
    /** A fully signed-in admin. */
    ADMIN
}
