package io.romotica.server.settings;

import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.bus.EventBus;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import org.jdbi.v3.core.Jdbi;

/**
 * Settings admins change at run time (stored in {@code app_settings}, unlike start-up configuration).
 * Every change is audited and announced on the bus topic {@link #TOPIC}. Thread-safe.
 */
public final class SettingsService {
    public static final String TOPIC = "settings.changed";
    private static final String ORG_NAME = "org.name";
    private static final String DEFAULT_ORG_NAME = "Romotica";

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final EventBus bus;

    public SettingsService(Jdbi jdbi, AuditLog audit, EventBus bus) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.bus = bus;
    }

    /** The run-time settings. */
    public record Settings(String organizationName) {}

    public Settings get() {
        String name =
                jdbi.withHandle(h -> h.createQuery("select setting_value from app_settings where setting_key = :k")
                        .bind("k", ORG_NAME)
                        .mapTo(String.class)
                        .findOne()
                        .orElse(DEFAULT_ORG_NAME));
        return new Settings(name);
    }

    public Settings update(Principal admin, Settings changed, RequestInfo from) {
        Settings before = get();
        if (!before.organizationName().equals(changed.organizationName())) {
            jdbi.useTransaction(h -> {
                h.createUpdate("delete from app_settings where setting_key = :k")
                        .bind("k", ORG_NAME)
                        .execute();
                h.createUpdate("insert into app_settings (setting_key, setting_value) values (:k, :v)")
                        .bind("k", ORG_NAME)
                        .bind("v", changed.organizationName())
                        .execute();
            });
            audit.append(AuditEvent.of(
                    AuditType.SETTING_CHANGED,
                    admin,
                    from,
                    "organizationName",
                    before.organizationName() + " -> " + changed.organizationName()));
            bus.publish(TOPIC, "organizationName");
        }
        return get();
    }
}
