package io.romotica.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VisitorTokensTest {
    private static final byte[] SECRET = new byte[32];
    private static final String VISITOR = "AAAAAAAAAAAAAAAAAAAAAA";
    private final MutableClock clock = new MutableClock();
    private final VisitorTokens tokens = new VisitorTokens(SECRET, Duration.ofDays(30), clock);

    @Test
    void aFreshTokenIsValidWithoutRenewal() {
        assertThat(tokens.check(tokens.issue(VISITOR))).isEqualTo(new VisitorTokens.Check.Valid(VISITOR, false));
    }

    @Test
    void aTokenOlderThanATenthOfItsLifetimeAsksForRenewal() {
        String token = tokens.issue(VISITOR);
        clock.advance(Duration.ofDays(3).plusSeconds(1));
        assertThat(tokens.check(token)).isEqualTo(new VisitorTokens.Check.Valid(VISITOR, true));
    }

    @Test
    void aTokenPastItsLifetimeHasExpired() {
        String token = tokens.issue(VISITOR);
        clock.advance(Duration.ofDays(30).plusSeconds(1));
        assertThat(tokens.check(token)).isInstanceOf(VisitorTokens.Check.Expired.class);
    }

    @Test
    void forgedDamagedForeignAndOldFormatTokensAreInvalid() {
        String token = tokens.issue(VISITOR);
        String[] parts = token.split("\\.");
        String laterIssue = parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 86_400) + "." + parts[3];
        // One character of the MAC changed (the first: every bit of it counts, unlike the last one's padding).
        String damaged = parts[0] + "." + parts[1] + "." + parts[2] + "." + (parts[3].charAt(0) == 'A' ? 'B' : 'A')
                + parts[3].substring(1);
        String foreign = new VisitorTokens(new byte[] {1, 2, 3}, Duration.ofDays(30), clock).issue(VISITOR);
        for (String bad : new String[] {null, "", laterIssue, damaged, foreign, "v1." + VISITOR + "." + parts[3]}) {
            assertThat(tokens.check(bad)).as(String.valueOf(bad)).isInstanceOf(VisitorTokens.Check.Invalid.class);
        }
    }
}
