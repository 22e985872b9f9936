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
    AUDIT_EXPORTED
}
