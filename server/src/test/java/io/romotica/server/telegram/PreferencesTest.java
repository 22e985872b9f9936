package io.romotica.server.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.romotica.server.common.AppException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quiet hours: minutes after midnight in the agent's time zone, possibly wrapping midnight. */
class PreferencesTest {
    private static final int H = 60;

    private static Preferences quiet(Integer from, Integer until, String zone) {
        return new Preferences(true, true, true, true, true, true, false, from, until, zone, "en");
    }

    /** The server's clock at {@code utc}; the time zone comes from the agent's preferences, not the clock. */
    private static Clock at(String utc) {
        return Clock.fixed(Instant.parse(utc), ZoneOffset.UTC);
    }

    @ParameterizedTest(name = "{3} at {0} with quiet {1}–{2}: {4}")
    @CsvSource({
        // Evening to morning, wrapping midnight, in Istanbul (UTC+3 all year).
        "2025-03-10T18:59:00Z, 22, 8, Europe/Istanbul, false",
        "2025-03-10T19:00:00Z, 22, 8, Europe/Istanbul, true",
        "2025-03-10T23:30:00Z, 22, 8, Europe/Istanbul, true",
        "2025-03-11T04:59:00Z, 22, 8, Europe/Istanbul, true",
        "2025-03-11T05:00:00Z, 22, 8, Europe/Istanbul, false",
        // A span within one day.
        "2025-03-10T12:30:00Z, 12, 13, UTC, true",
        "2025-03-10T13:00:00Z, 12, 13, UTC, false",
        "2025-03-10T11:59:00Z, 12, 13, UTC, false",
        // The same instant is quiet in one zone and not in another.
        "2025-07-01T21:30:00Z, 22, 8, Europe/Berlin, true",
        "2025-07-01T21:30:00Z, 22, 8, America/New_York, false",
        // Daylight saving time: 22:00 local in Berlin is 21:00 UTC in winter, 20:00 UTC in summer.
        "2025-01-15T20:30:00Z, 22, 8, Europe/Berlin, false",
        "2025-07-15T20:30:00Z, 22, 8, Europe/Berlin, true"
    })
    void quietHoursFollowTheAgentsTimeZone(String utc, int fromHour, int untilHour, String zone, boolean quiet) {
        assertThat(quiet(fromHour * H, untilHour * H, zone).quietAt(at(utc).instant()))
                .isEqualTo(quiet);
    }

    @Test
    void withoutATimeZoneQuietHoursAreInUtc() {
        Preferences p = quiet(22 * H, 8 * H, null);
        assertThat(p.quietAt(at("2025-03-10T22:00:00Z").instant())).isTrue();
        assertThat(p.quietAt(at("2025-03-10T21:59:00Z").instant())).isFalse();
    }

    @Test
    void noQuietHoursOrAnEmptySpanNeverSilence() {
        assertThat(quiet(null, null, "Europe/Istanbul")
                        .quietAt(at("2025-03-10T23:00:00Z").instant()))
                .isFalse();
        assertThat(quiet(9 * H, 9 * H, "UTC").quietAt(at("2025-03-10T09:00:00Z").instant()))
                .isFalse();
    }

    @Test
    void halfGivenOrOutOfRangeQuietHoursAreRejected() {
        assertThatThrownBy(() -> quiet(22 * H, null, null)).isInstanceOf(AppException.class);
        assertThatThrownBy(() -> quiet(24 * H, 8 * H, null)).isInstanceOf(AppException.class);
        assertThatThrownBy(() -> quiet(22 * H, 8 * H, "Mars/Olympus")).isInstanceOf(AppException.class);
    }
}
