package io.romotica.server.telegram;

import io.romotica.server.common.AppException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * What a linked agent wants to hear about on Telegram, and when not. Quiet hours run from {@code quietFrom}
 * to {@code quietUntil} (minutes after midnight in {@code timeZone}; they may wrap midnight; both null: no
 * quiet hours). During quiet hours and while {@code muted} nothing but sign-in codes is sent. {@code language}
 * is that of the bot's messages (tr or en). Immutable.
 */
public record Preferences(
        boolean conversations,
        boolean messages,
        boolean calls,
        boolean missedCalls,
        boolean presence,
        boolean limits,
        boolean muted,
        Integer quietFrom,
        Integer quietUntil,
        String timeZone,
        String language) {
    private static final int DAY_MINUTES = 24 * 60;

    public Preferences {
        if ((quietFrom == null) != (quietUntil == null)) {
            throw AppException.invalid("quietFrom", "give both ends of the quiet hours, or neither");
        }
        if (quietFrom != null
                && (quietFrom < 0 || quietFrom >= DAY_MINUTES || quietUntil < 0 || quietUntil >= DAY_MINUTES)) {
            throw AppException.invalid("quietFrom", "quiet hours are minutes after midnight (0 to 1439)");
        }
        if (timeZone != null) {
            try {
                ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw AppException.invalid("timeZone", "unknown time zone");
            }
        }
        language = "tr".equals(language) ? "tr" : "en";
    }

    /** Whether {@code now} falls into the quiet hours. */
    boolean quietAt(Instant now) {
        if (quietFrom == null || quietFrom.equals(quietUntil)) {
            return false;
        }
        ZoneId zone = timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
        LocalTime local = now.atZone(zone).toLocalTime();
        int minute = local.getHour() * 60 + local.getMinute();
        return quietFrom < quietUntil
                ? minute >= quietFrom && minute < quietUntil
                : minute >= quietFrom || minute < quietUntil;
    }
}
