package io.romotica.server.settings;

import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.Check;

/** Admin endpoints for run-time settings. */
public final class SettingsRoutes {
    private final SettingsService settings;

    public SettingsRoutes(SettingsService settings) {
        this.settings = settings;
    }

    public record SettingsRequest(String organizationName) {
        public SettingsRequest {
            organizationName = Check.text("organizationName", organizationName, 100);
        }
    }

    public void register(Api api) {
        api.tag("admin")
                .get(
                        "/api/admin/settings",
                        Access.ADMIN,
                        "Run-time settings",
                        SettingsService.Settings.class,
                        ctx -> Api.json(ctx, settings.get()))
                .put(
                        "/api/admin/settings",
                        Access.ADMIN,
                        "Change run-time settings",
                        SettingsRequest.class,
                        SettingsService.Settings.class,
                        ctx -> {
                            SettingsRequest req = Api.body(ctx, SettingsRequest.class);
                            Api.json(
                                    ctx,
                                    settings.update(
                                            Api.principal(ctx),
                                            new SettingsService.Settings(req.organizationName()),
                                            Api.requestInfo(ctx)));
                        });
    }
}
