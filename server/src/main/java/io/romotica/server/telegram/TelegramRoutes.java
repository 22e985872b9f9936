package io.romotica.server.telegram;

import io.javalin.http.Context;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.realtime.Parties;
import java.time.Instant;

/**
 * The bot's HTTP endpoints: an agent's link (status, deep link, unlink, notification choices), sign-in codes
 * at the second-factor step, the webhook Telegram posts to (checked by its secret header), and a visitor's
 * phone verification link.
 */
public final class TelegramRoutes {
    /** Header in which Telegram sends the webhook's secret token. */
    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    private final TelegramService telegram;
    private final Parties parties;

    public TelegramRoutes(TelegramService telegram, Parties parties) {
        this.telegram = telegram;
        this.parties = parties;
    }

    /** Notification choices as the Account pane sends them; quiet hours as minutes after midnight. */
    public record PreferencesRequest(
            Boolean conversations,
            Boolean messages,
            Boolean calls,
            Boolean missedCalls,
            Boolean presence,
            Boolean limits,
            Boolean muted,
            Integer quietFrom,
            Integer quietUntil,
            String timeZone,
            String language) {
        public PreferencesRequest {
            timeZone = Check.optionalText("timeZone", timeZone, 64);
            language = Check.optionalText("language", language, 8);
        }

        Preferences preferences() {
            return new Preferences(
                    Check.required("conversations", conversations),
                    Check.required("messages", messages),
                    Check.required("calls", calls),
                    Check.required("missedCalls", missedCalls),
                    Check.required("presence", presence),
                    Check.required("limits", limits),
                    Boolean.TRUE.equals(muted),
                    quietFrom,
                    quietUntil,
                    timeZone,
                    language);
        }
    }

    public record CodeAvailability(boolean available) {}

    public record CodeSent(Instant expiresAt) {}

    public void register(Api api) {
        api.tag("telegram")
                .get(
                        "/api/telegram/link",
                        Access.AGENT,
                        "My Telegram link and notification choices",
                        TelegramService.LinkStatus.class,
                        ctx -> Api.json(ctx, telegram.status(Api.principal(ctx))))
                .post(
                        "/api/telegram/link",
                        Access.AGENT,
                        "A one-time deep link that links a Telegram chat to me",
                        null,
                        TelegramService.DeepLink.class,
                        ctx -> Api.json(ctx, telegram.startLink(Api.principal(ctx))))
                .delete("/api/telegram/link", Access.AGENT, "Unlink my Telegram chat", ctx -> {
                    telegram.unlink(Api.principal(ctx), Api.requestInfo(ctx));
                    ctx.status(204);
                })
                .put(
                        "/api/telegram/preferences",
                        Access.AGENT,
                        "Which notifications I get on Telegram, and when not",
                        PreferencesRequest.class,
                        Preferences.class,
                        this::preferences)
                .get(
                        "/api/auth/telegram-code",
                        Access.SECOND_FACTOR,
                        "Whether a sign-in code can be sent by Telegram",
                        CodeAvailability.class,
                        ctx -> Api.json(ctx, new CodeAvailability(telegram.signInCodeAvailable(Api.principal(ctx)))))
                .post(
                        "/api/auth/telegram-code",
                        Access.SECOND_FACTOR,
                        "Send a sign-in code to my linked Telegram",
                        null,
                        CodeSent.class,
                        ctx -> Api.json(
                                ctx, new CodeSent(telegram.sendSignInCode(Api.principal(ctx), Api.requestInfo(ctx)))))
                .post(
                        "/api/telegram/webhook",
                        Access.PUBLIC,
                        "Telegram delivers updates (webhook mode)",
                        null,
                        null,
                        this::webhook)
                .get(
                        "/api/chat/phone-verification",
                        Access.PUBLIC,
                        "Whether the visitor (X-Visitor-Token) may verify their phone by Telegram, and the verified"
                                + " number once they did",
                        TelegramService.PhoneVerification.class,
                        ctx -> Api.json(ctx, telegram.phoneVerification(parties.visitor(ctx))))
                .post(
                        "/api/chat/phone-verification",
                        Access.PUBLIC,
                        "A visitor's deep link to verify their phone by Telegram",
                        null,
                        TelegramService.DeepLink.class,
                        ctx -> Api.json(ctx, telegram.startPhoneVerification(parties.visitor(ctx))));
    }

    private void preferences(Context ctx) {
        PreferencesRequest req = Api.body(ctx, PreferencesRequest.class);
        Api.json(ctx, telegram.setPreferences(Api.principal(ctx), req.preferences()));
    }

    private void webhook(Context ctx) {
        if (!telegram.webhook(ctx.header(SECRET_HEADER), ctx.body())) {
            throw new AppException(ErrorCode.UNAVAILABLE, "not handled yet; deliver again");
        }
        ctx.status(204);
    }
}
