package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.common.Json;
import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The sign-in page and the admin console in real Chromium against one shared node with a set-up admin:
 * language choice, CSRF protection as a page meets it, the audit chain check and the phone layout.
 */
class ConsoleBrowserIT {
    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void loginPageFollowsATurkishBrowserAndRemembersASwitchToEnglish() throws IOException {
        String turkish = dictionary("tr").get("login.submit").asText();
        String english = dictionary("en").get("login.submit").asText();
        Browser b = browsers.open(server, Browser.options().language("tr-TR"));
        b.get("/login");
        b.awaitText("#login-submit", turkish);
        assertThat(b.js("return document.documentElement.lang;")).isEqualTo("tr");

        b.js("window.sameDocument = true;");
        b.click("#lang-en");
        b.awaitText("#login-submit", english);
        assertThat(b.js("return document.documentElement.lang;")).isEqualTo("en");
        assertThat(b.js("return window.sameDocument === true;"))
                .as("switched without a reload")
                .isEqualTo(true);
        assertThat(b.visible("#lang-en").getAttribute("aria-pressed")).isEqualTo("true");

        b.reload();
        b.awaitText("#login-submit", english);
        assertThat(b.js("return document.documentElement.lang;")).isEqualTo("en");
    }

    @Test
    void stateChangingRequestWithoutTheCsrfHeaderIsRejectedAndWithItSucceeds() {
        Browser b = browsers.open(server);
        b.signIn(admin);

        JsonNode refused = putSettings(b, null, "x");
        assertThat(refused.path("status").asInt()).isEqualTo(403);
        assertThat(refused.path("body").path("code").asText()).isEqualTo("CSRF_REJECTED");

        String token = String.valueOf(b.asyncJs("""
                const done = arguments[arguments.length - 1];
                fetch('/api/auth/me').then((r) => r.json()).then((me) => done(me.csrfToken),
                    (e) => done('failed: ' + e));
                """));
        JsonNode accepted = putSettings(b, token, "Acme Support");
        assertThat(accepted.path("status").asInt()).as(accepted.toString()).isEqualTo(200);
        assertThat(accepted.path("body").path("organizationName").asText()).isEqualTo("Acme Support");
    }

    @Test
    void auditChainCheckPassesAndNamesTheFirstTamperedRow() {
        Browser b = browsers.open(server);
        b.signIn(admin);
        b.click("nav#console-nav a[data-pane='admin']");
        b.click("#admin-tab-audit");
        b.visible("table#audit tr[data-audit-id][data-type='SETUP_COMPLETED']");

        b.click("#audit-verify");
        WebElement result = b.awaitAttribute("#audit-verify-result", "data-ok", "true");
        assertThat(result.isDisplayed()).isTrue();

        String original = detailsOfRow2();
        try {
            server.node()
                    .database()
                    .jdbi()
                    .useHandle(h -> h.createUpdate("update audit_log set details = 'x' where id = 2")
                            .execute());
            b.click("#audit-verify");
            result = b.awaitAttribute("#audit-verify-result", "data-ok", "false");
            assertThat(result.getText()).contains("#2");
        } finally {
            server.node()
                    .database()
                    .jdbi()
                    .useHandle(h -> h.createUpdate("update audit_log set details = :d where id = 2")
                            .bind("d", original)
                            .execute());
        }
    }

    @Test
    void atPhoneWidthPagesFitTheScreenAndTheAdminPaneCanBeReached() {
        Browser b = browsers.open(server, Browser.options().size(360, 740));
        b.get("/login");
        b.visible("#login-form");
        assertThat(b.js("return window.innerWidth;")).isEqualTo(360L);
        assertThat(horizontalOverflow(b)).as("horizontal overflow in px").isLessThanOrEqualTo(0L);

        b.signIn(admin);
        b.click("nav#console-nav a[data-pane='admin']");
        b.visible("table#users tr[data-user-id]");
        assertThat(b.path()).isEqualTo("/console/admin");
        WebElement link = b.visible("nav#console-nav a[data-pane='admin']");
        assertThat(link.getAttribute("aria-current")).isEqualTo("page");
        assertThat(b.js(
                        "const r = arguments[0].getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth;",
                        link))
                .as("the Admin link lies within the screen")
                .isEqualTo(true);
        assertThat(horizontalOverflow(b))
                .as("horizontal overflow of the admin pane in px")
                .isLessThanOrEqualTo(0L);
    }

    @Test
    void adminTabBarShowsNoVerticalScrollbar() {
        Browser b = browsers.open(server);
        b.signIn(admin);
        b.click("nav#console-nav a[data-pane='admin']");
        b.visible("#admin-tab-users");
        assertThat(b.js("const t = document.querySelector('.tabs'); return t.offsetWidth - t.clientWidth;"))
                .as("width of a vertical scrollbar in the admin tab bar")
                .isEqualTo(0L);
    }

    private static long horizontalOverflow(Browser b) {
        return (Long) b.js("return document.documentElement.scrollWidth - window.innerWidth;");
    }

    /** PUT /api/admin/settings from the page with fetch, with or without the X-CSRF-Token header. */
    private static JsonNode putSettings(Browser b, String csrfToken, String organizationName) {
        Object answer = b.asyncJs("""
                const [token, name, done] = arguments;
                const headers = { 'Content-Type': 'application/json' };
                if (token) headers['X-CSRF-Token'] = token;
                fetch('/api/admin/settings', {
                  method: 'PUT', headers, body: JSON.stringify({ organizationName: name }),
                }).then(async (r) => done({ status: r.status, body: await r.json() }),
                    (e) => done({ status: -1, body: { error: String(e) } }));
                """, csrfToken, organizationName);
        return Json.MAPPER.valueToTree(answer);
    }

    private static String detailsOfRow2() {
        List<String> rows = server.node()
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("select details from audit_log where id = 2")
                        .mapTo(String.class)
                        .list());
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static JsonNode dictionary(String language) throws IOException {
        try (InputStream in = ConsoleBrowserIT.class.getResourceAsStream("/web/i18n/" + language + ".json")) {
            return Json.MAPPER.readTree(in);
        }
    }
}
