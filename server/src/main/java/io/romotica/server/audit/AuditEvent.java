package io.romotica.server.audit;

import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;

/**
 * What a feature reports: the event, who did it (null actor for anonymous), from where, to what, and a short
 * free-text detail. Never put secrets (passwords, codes, tokens) into {@code details}.
 */
public record AuditEvent(AuditType type, String actorId, String actorName, String ip, String target, String details) {

    public static AuditEvent of(AuditType type, Principal actor, RequestInfo from, String target, String details) {
        return new AuditEvent(
                type,
                actor == null ? null : actor.userId(),
                actor == null ? null : actor.name(),
                from == null ? null : from.ip(),
                target,
                details == null ? "" : details);
    }
}
