package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forwarding-chain resolution and address ranges, on a hand-made exchange. */
class ClientInfoTest {

    private static final SecurityPolicy TRUST_10 = SecurityPolicy.builder()
            .trustForwardedHeaders(true)
            .trustedProxies(List.of("10.0.0.0/8", "fd00::/8"))
            .build();

    static final class Exchange implements GatewayExchange {
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final InetSocketAddress peer;
        boolean secure;

        Exchange(String peer) {
            this.peer = InetSocketAddress.createUnresolved(peer, 4242);
        }

        Exchange h(String name, String value) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(value);
            return this;
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public String path() {
            return "/mcp";
        }

        @Override
        public String query() {
            return null;
        }

        @Override
        public Iterable<String> requestHeaderNames() {
            return headers.keySet();
        }

        @Override
        public List<String> requestHeaders(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return peer;
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public InputStream requestBody() {
            return InputStream.nullInputStream();
        }

        @Override
        public void addResponseHeader(String name, String value) {}

        @Override
        public OutputStream sendResponseHeaders(int status, long contentLength) {
            return OutputStream.nullOutputStream();
        }
    }

    @Test
    void untrustedPeerIsTheClientWhateverItClaims() {
        ClientInfo c = ClientInfo.resolve(
                new Exchange("203.0.113.5")
                        .h("X-Forwarded-For", "1.1.1.1")
                        .h("X-Forwarded-Proto", "https")
                        .h("Host", "a.example.com")
                        .h("X-Forwarded-Host", "evil.com"),
                TRUST_10);
        assertThat(c.address).isEqualTo("203.0.113.5");
        assertThat(c.secure).isFalse();
        assertThat(c.host).isEqualTo("a.example.com");
        assertThat(c.viaTrustedProxy).isFalse();
        assertThat(c.forwardedFor).isEqualTo("203.0.113.5");
    }

    @Test
    void nearestUntrustedHopOfXForwardedFor() {
        ClientInfo c = ClientInfo.resolve(
                new Exchange("10.0.0.1")
                        .h("X-Forwarded-For", "6.6.6.6, 198.51.100.4:5123")
                        .h("X-Forwarded-For", "10.9.9.9")
                        .h("X-Forwarded-Proto", "http, https, http")
                        .h("X-Forwarded-Host", "mcp.example.com"),
                TRUST_10);
        assertThat(c.address).isEqualTo("198.51.100.4");
        assertThat(c.secure).as("the proto that goes with the chosen hop").isTrue();
        assertThat(c.host).isEqualTo("mcp.example.com");
        assertThat(c.forwardedFor).isEqualTo("6.6.6.6, 198.51.100.4:5123, 10.9.9.9, 10.0.0.1");
    }

    @Test
    void allHopsTrustedMeansTheFirst() {
        ClientInfo c =
                ClientInfo.resolve(new Exchange("10.0.0.1").h("X-Forwarded-For", "10.0.0.7, 10.0.0.8"), TRUST_10);
        assertThat(c.address).isEqualTo("10.0.0.7");
    }

    @Test
    void rfc7239ForwardedWinsAndHandlesQuotedIpv6() {
        ClientInfo c = ClientInfo.resolve(
                new Exchange("fd00::1")
                        .h(
                                "Forwarded",
                                "for=\"[2001:db8:cafe::17]:4711\";proto=https;host=\"mcp.example.com:8443\", "
                                        + "For=10.1.1.1;Proto=http")
                        .h("X-Forwarded-For", "6.6.6.6"),
                TRUST_10);
        assertThat(c.address).isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(c.secure).isTrue();
        assertThat(c.host).isEqualTo("mcp.example.com:8443");
    }

    @Test
    void obfuscatedAndGarbageHops() {
        ClientInfo hidden =
                ClientInfo.resolve(new Exchange("10.0.0.1").h("Forwarded", "for=_hidden, for=10.0.0.2"), TRUST_10);
        assertThat(hidden.address).isEqualTo("_hidden");
        ClientInfo garbage =
                ClientInfo.resolve(new Exchange("10.0.0.1").h("X-Forwarded-For", "<script>x</script>"), TRUST_10);
        assertThat(garbage.address)
                .as("not an address: the connection is believed")
                .isEqualTo("10.0.0.1");
        ClientInfo protoOnly = ClientInfo.resolve(new Exchange("10.0.0.1").h("X-Forwarded-Proto", "https"), TRUST_10);
        assertThat(protoOnly.address).isEqualTo("10.0.0.1");
        assertThat(protoOnly.secure).isTrue();
    }

    @Test
    void ipv4MappedPeerMatchesIpv4Ranges() {
        ClientInfo c = ClientInfo.resolve(new Exchange("::ffff:10.2.3.4").h("X-Forwarded-For", "192.0.2.1"), TRUST_10);
        assertThat(c.address).isEqualTo("192.0.2.1");
    }

    @Test
    void forwardingOffIgnoresEverything() {
        ClientInfo c = ClientInfo.resolve(
                new Exchange("10.0.0.1").h("X-Forwarded-For", "192.0.2.1").h("X-Forwarded-Proto", "https"),
                SecurityPolicy.defaults());
        assertThat(c.address).isEqualTo("10.0.0.1");
        assertThat(c.secure).isFalse();
    }

    @Test
    void ranges() {
        assertThat(IpRange.parse("10.0.0.0/8").contains(IpRange.parseLiteral("10.255.1.2")))
                .isTrue();
        assertThat(IpRange.parse("10.0.0.0/8").contains(IpRange.parseLiteral("11.0.0.1")))
                .isFalse();
        assertThat(IpRange.parse("192.168.1.0/25").contains(IpRange.parseLiteral("192.168.1.127")))
                .isTrue();
        assertThat(IpRange.parse("192.168.1.0/25").contains(IpRange.parseLiteral("192.168.1.128")))
                .isFalse();
        assertThat(IpRange.parse("::1").contains(IpRange.parseLiteral("[::1]"))).isTrue();
        assertThat(IpRange.parse("0.0.0.0/0").contains(IpRange.parseLiteral("8.8.8.8")))
                .isTrue();
        assertThat(IpRange.parse("fd00::/8").contains(IpRange.parseLiteral("10.0.0.1")))
                .isFalse();
        assertThat(IpRange.parseLiteral("999.1.1.1")).isNull();
        assertThat(IpRange.parseLiteral("1.2.3")).isNull();
        assertThat(IpRange.parseLiteral("example.com"))
                .as("names are never resolved")
                .isNull();
        assertThat(IpRange.parseLiteral("fe80::1%eth0")).hasSize(16);
    }
}
