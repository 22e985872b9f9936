package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.Coturn;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call whose media can only go through TURN: a real coturn with the server's shared secret, both browsers
 * limited to relay candidates. The call connects through the relay with the short-lived credentials from
 * GET /api/ice-servers, and both sides show the relayed path.
 */
class CallRelayBrowserIT {
    private static final String SECRET = "relay-browser-test-secret";

    private static Coturn coturn;
    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        coturn = Coturn.start(SECRET, Coturn.lanAddress());
        server = TestServer.builder()
                .set("chat.new.visitors.per.minute", "100")
                .set("turn.urls", coturn.url())
                .set("turn.secret", SECRET)
                .start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    private static void relayOnly(Browser b) {
        b.js("localStorage.setItem('romotica.iceRelay', '1');");
    }

    @Test
    void aCallConnectsThroughTheTurnRelayWhenNothingElseIsAllowed() {
        Browser agent = browsers.open(server, Browser.options().fakeMedia());
        agent.signIn(admin);
        agent.get("/console/calls");
        relayOnly(agent);
        Browser visitor = browsers.open(server, Browser.options().fakeMedia());
        visitor.get("/chat");
        relayOnly(visitor);
        ChatBrowserIT.startAsVisitor(visitor, "Uzaktaki Ziyaretçi");

        visitor.click("#call-button");
        agent.awaitText("#calls-queue li[data-call]", "Uzaktaki Ziyaretçi");
        agent.click("#calls-queue button[data-action='accept']");

        for (Browser b : new Browser[] {agent, visitor}) {
            b.visible("#call-stage[data-connection='connected']");
            b.await("the path shown as relayed", () -> b.present("#call-quality[data-path='relay']"));
            assertThat(b.text("#call-quality")).contains("relay");
        }
        agent.click("#call-hangup");
        visitor.visible("#call-ended");
    }
}
