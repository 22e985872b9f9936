package io.romotica.server.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    @Test
    void ipv6AddressesShareTheirSlash64() {
        assertThat(ClientAddress.key("2001:db8:1:2:aaaa::1")).isEqualTo(ClientAddress.key("2001:db8:1:2:bbbb::9"));
        assertThat(ClientAddress.key("2001:db8:1:2::1")).isNotEqualTo(ClientAddress.key("2001:db8:1:3::1"));
        assertThat(ClientAddress.key("192.0.2.7")).isEqualTo("ip4:192.0.2.7");
        assertThat(ClientAddress.key("192.0.2.7")).isNotEqualTo(ClientAddress.key("192.0.2.8"));
    }

    @Test
    void forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() {
        assertThat(ClientAddress.resolve("198.51.100.1", "203.0.113.5", Set.of()))
                .isEqualTo("198.51.100.1");
        assertThat(ClientAddress.resolve("198.51.100.1", "203.0.113.5", Set.of("10.0.0.1")))
                .isEqualTo("198.51.100.1");
        assertThat(ClientAddress.resolve("10.0.0.1", "203.0.113.5", Set.of("10.0.0.1")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void theNearestUntrustedHopWinsSoClientsCannotSpoofAnEarlierOne() {
        Set<String> proxies = Set.of("10.0.0.1", "10.0.0.2");
        assertThat(ClientAddress.resolve("10.0.0.1", "1.2.3.4, 203.0.113.5, 10.0.0.2", proxies))
                .isEqualTo("203.0.113.5");
        assertThat(ClientAddress.resolve("10.0.0.1", "not-an-ip", proxies)).isEqualTo("10.0.0.1");
    }
}
