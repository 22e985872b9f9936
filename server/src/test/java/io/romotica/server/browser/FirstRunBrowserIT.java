package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.Totps;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The first-run story in real Chromium, two people on two browsers: the admin sets the server up and
 * invites an agent, the agent joins, signs out and in again, and the admin ends the agent's session.
 */
class FirstRunBrowserIT {
    private static final String ADMIN_NAME = "Ada Admin";
    private static final String ADMIN_EMAIL = "ada@example.com";
    private static final String ADMIN_PASSWORD = "correct horse battery staple";
    private static final String AGENT_NAME = "Bo Agent";
    private static final String AGENT_EMAIL = "bo@example.com";
    private static final String AGENT_PASSWORD = "a long agent password";

    private static TestServer server;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void adminSetsUpInvitesAnAgentAndRevokingTheAgentsSessionSignsTheAgentOut() {
        Browser admin = browsers.open(server);
        admin.get("/setup#t=" + server.setupToken());
        admin.type("#setup-name", ADMIN_NAME);
        admin.type("#setup-email", ADMIN_EMAIL);
        admin.type("#setup-password", ADMIN_PASSWORD);
        admin.type("#setup-password-confirm", ADMIN_PASSWORD);
        admin.click("#setup-submit");
        enrolAndContinue(admin);
        assertThat(admin.text("#current-user")).isEqualTo(ADMIN_NAME);

        admin.click("nav#console-nav a[data-pane='admin']");
        admin.type("#invite-create-email", AGENT_EMAIL);
        admin.type("#invite-create-name", AGENT_NAME);
        admin.click("#invite-create-submit");
        String link = admin.await("the invite link", () -> {
            String value = admin.visible("input#invite-link").getAttribute("value");
            return value == null || value.isBlank() ? null : value;
        });
        assertThat(link).startsWith(server.baseUrl() + "/invite#t=");

        Browser agent = browsers.open(server);
        agent.get(link);
        assertThat(agent.text("#invite-email")).isEqualTo(AGENT_EMAIL);
        assertThat(agent.visible("#invite-name").getAttribute("value")).isEqualTo(AGENT_NAME);
        agent.type("#invite-password", AGENT_PASSWORD);
        agent.type("#invite-password-confirm", AGENT_PASSWORD);
        agent.click("#invite-submit");
        String agentSecret = enrolAndContinue(agent);
        assertThat(agent.text("#current-user")).isEqualTo(AGENT_NAME);
        assertThat(agent.present("nav#console-nav a[data-pane='admin']"))
                .as("an agent has no Admin pane")
                .isFalse();

        agent.click("#logout");
        agent.visible("#login-form");
        agent.completeLoginForm(AGENT_EMAIL, AGENT_PASSWORD, agentSecret);
        assertThat(agent.text("#current-user")).isEqualTo(AGENT_NAME);

        admin.click("nav#console-nav a[data-pane='admin']"); // reloads the team table
        String agentId = admin.await(
                "the agent's row",
                () -> admin.driver().findElements(By.cssSelector("table#users tr[data-user-id]")).stream()
                        .filter(row -> row.getText().contains(AGENT_EMAIL))
                        .map(row -> row.getAttribute("data-user-id"))
                        .findFirst()
                        .orElse(null));
        admin.click("tr[data-user-id='" + agentId + "'] button.show-sessions");
        List<WebElement> sessions = admin.all("table#user-sessions tr[data-session-id]", 1);
        assertThat(sessions.getFirst().getText()).contains("127.0.0.1");
        admin.click("table#user-sessions button.revoke-session");
        admin.visible("table#user-sessions tr.empty-row");
        admin.awaitAttribute("#message", "data-kind", "success");

        // The console's socket is closed by the revocation (bye SESSION_REVOKED), so it leaves at once,
        // without the agent doing anything.
        agent.visible("#login-form");
        agent.awaitAttribute("#message", "data-code", "SESSION_ENDED");
        assertThat(agent.path()).isEqualTo("/login");
    }

    /** Reads the secret as a person would from the screen, enters the code, checks the recovery codes. */
    private static String enrolAndContinue(Browser b) {
        String secret = b.await("the TOTP secret", () -> {
            String text = b.visible("#totp-secret").getText().strip();
            return text.isEmpty() ? null : text;
        });
        server.clock().advance(Duration.ofSeconds(30));
        b.type("#totp-code", Totps.code(secret, server.clock().instant()));
        b.click("#totp-submit");
        List<String> codes = b.all("#recovery-codes li", 10).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(codes).doesNotHaveDuplicates().allSatisfy(c -> assertThat(c).isNotBlank());
        b.click("#recovery-continue");
        b.visible("nav#console-nav");
        return secret;
    }
}
