package io.romotica.server.audit;

/** Kinds of security event in the audit log. Names are stored and exported, so they never change. */
public enum AuditType {
    SETUP_COMPLETED,
    LOGIN_OK,
    LOGIN_FAILED,
    LOGIN_LOCKED,
    LOGIN_BLOCKED,

    SECOND_FACTOR_FAILED,
    SECOND_FACTOR_ENROLLED,
    SECOND_FACTOR_RESET,
    RECOVERY_CODE_USED,
    LOGOUT,
    SESSION_REVOKED,
    INVITE_CREATED,
    INVITE_ACCEPTED,
    INVITE_REVOKED,
    ROLE_CHANGED,
    USER_DISABLED,
    USER_ENABLED,
    ACCOUNT_UNLOCKED,
    SETTING_CHANGED,
    AUDIT_VERIFIED,
    AUDIT_EXPORTED,
    CHAT_CONTACT_ERASED,
    CHAT_RETENTION_CLEANUP,
    CHAT_TRANSCRIPT_EXPORTED,
    CALL_RECORDING_DELETED,
    CALL_HISTORY_EXPORTED,
    CANNED_REPLY_CHANGED,
    /** A host device got a new remote-desktop ID (bound to its public key). */
    REMOTE_HOST_REGISTERED,
    /** A device tried to register another device's host ID with its own key. */
    REMOTE_HOST_TAKEOVER_REFUSED,
    /** A viewer asked to connect to a host ID (details: routed, or the refusal code). */
    REMOTE_CONNECT_ATTEMPT,
    /** The host reported a wrong one-time password (counted for back-off). */
    REMOTE_AUTH_FAILED,
    /** The host was told to rotate its one-time password after repeated failures. */
    REMOTE_PASSWORD_ROTATION,
    /** Host and viewer authenticated each other; the remote session runs. */
    REMOTE_SESSION_STARTED,
    /** A remote session (or an attempt that got as far as the host) ended; details: reason and duration. */
    REMOTE_SESSION_ENDED,
    /** An admin cleared a remote back-off (target: the host ID or address counter key). */
    REMOTE_LOCKOUT_CLEARED,
    TELEGRAM_LINKED,
    TELEGRAM_UNLINKED,
    TELEGRAM_CODE_SENT,
    TELEGRAM_UNLINKED_CHAT,
    TELEGRAM_PHONE_VERIFIED
}
