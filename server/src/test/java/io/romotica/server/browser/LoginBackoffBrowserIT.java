package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed-login back-off as a person meets it on the sign-in page. Its own node: back-off is counted per
 * source address too, and every browser here comes from 127.0.0.1.
 */
class LoginBackoffBrowserIT {
    private static final Pattern SECONDS = Pattern.compile("(\\d+) s\\b");

    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .set("login.backoff.free.attempts", "1")
                .set("login.backoff.base", "20s")
                .start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void repeatedWrongPasswordsShowACountdownAndDisableSignIn() {
        Browser b = browsers.open(server);
        b.get("/login");
        assertThat(submitWrongPassword(b)).isEqualTo("INVALID_CREDENTIALS");
        assertThat(submitWrongPassword(b)).isEqualTo("INVALID_CREDENTIALS");
        assertThat(submitWrongPassword(b)).isEqualTo("RATE_LIMITED");

        String message = b.text("#message");
        Matcher m = SECONDS.matcher(message);
        assertThat(m.find()).as("a wait in seconds in \"%s\"", message).isTrue();
        int seconds = Integer.parseInt(m.group(1));
        assertThat(seconds).isBetween(2, 20);
        assertThat(b.visible("#login-submit").isEnabled())
                .as("sign-in button during the wait")
                .isFalse();
        b.awaitText("#message", (seconds - 1) + " s"); // the countdown ticks
        assertThat(b.visible("#login-submit").isEnabled()).isFalse();
    }

    /** Types the admin's e-mail and a wrong password, submits, and returns the code #message shows. */
    private static String submitWrongPassword(Browser b) {
        b.type("#login-email", admin.email());
        b.type("#login-password", "not the password at all");
        b.click("#login-submit");
        // The button is busy from the click until the answer is shown.
        b.awaitAttribute("#login-submit", "aria-busy", "false");
        return b.visible("#message").getAttribute("data-code");
    }
}
