package io.romotica.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.bus.LocalAttemptCounter;
import io.romotica.server.config.ConfigLoader;
import io.romotica.server.config.ServerConfig;
import io.romotica.server.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final ServerConfig.Auth config = ConfigLoader.load(
                    Map.of(),
                    Map.of("login.backoff.free.attempts", "3", "login.backoff.base", "1s", "login.backoff.max", "60s"))
            .auth();
    private final LoginThrottle throttle = new LoginThrottle(new LocalAttemptCounter(clock), config, clock);

    @Test
    void backOffDoublesAfterTheFreeAttemptsUpToTheMaximum() {
        assertThat(throttle.delayAfter(3)).isZero();
        assertThat(throttle.delayAfter(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.delayAfter(5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.delayAfter(8)).isEqualTo(Duration.ofSeconds(16));
        assertThat(throttle.delayAfter(10)).isEqualTo(Duration.ofSeconds(60));
        assertThat(throttle.delayAfter(1000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void waitCountsDownWithTheClockAndSuccessClearsIt() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("acct");
        }
        assertThat(throttle.waitFor("acct")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofMillis(1500));
        assertThat(throttle.waitFor("acct")).contains(Duration.ofMillis(500));
        clock.advance(Duration.ofMillis(500));
        assertThat(throttle.waitFor("acct")).isEmpty();
        throttle.failed("acct");
        throttle.succeeded("acct");
        assertThat(throttle.waitFor("acct")).isEmpty();
    }

    @Test
    void theLongestWaitOfSeveralKeysWins() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("ip");
        }
        for (int i = 0; i < 4; i++) {
            throttle.failed("acct");
        }
        assertThat(throttle.waitFor("acct", "ip")).contains(Duration.ofSeconds(4));
    }
}
