package io.romotica.server.calls;

import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import org.jdbi.v3.core.Jdbi;

/**
 * The call recording policy admins set in the console (stored in {@code app_settings}; until then the
 * {@code calls.recording} configuration). Read on every use so all nodes follow a change at once.
 * Thread-safe.
 */
public final class CallPolicy {
    /** OFF: never recorded. NOTICE: agents may start recording, the visitor is told first. ALWAYS: every call. */
    public enum Recording {
        OFF,
        NOTICE,
        ALWAYS
    }

    private static final String KEY = "calls.recording";

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Recording initial;

    public CallPolicy(Jdbi jdbi, AuditLog audit, String initial) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.initial = Recording.valueOf(initial);
    }

    public Recording recording() {
        return jdbi.withHandle(h -> h.createQuery("select setting_value from app_settings where setting_key = :k")
                .bind("k", KEY)
                .mapTo(String.class)
                .findOne()
                .map(Recording::valueOf)
                .orElse(initial));
    }

    /** Sets the policy (admins), audited; calls already running keep recording until they end or stop. */
    public Recording setRecording(Principal admin, Recording value, RequestInfo from) {
        Recording before = recording();
        if (before != value) {
            jdbi.useTransaction(h -> {
                h.createUpdate("delete from app_settings where setting_key = :k")
                        .bind("k", KEY)
                        .execute();
                h.createUpdate("insert into app_settings (setting_key, setting_value) values (:k, :v)")
                        .bind("k", KEY)
                        .bind("v", value.name())
                        .execute();
            });
            audit.append(AuditEvent.of(AuditType.SETTING_CHANGED, admin, from, KEY, before + " -> " + value));
        }
        return value;
    }
}
