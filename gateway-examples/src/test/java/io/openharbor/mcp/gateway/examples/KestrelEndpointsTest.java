package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How a {@code Kestrel} section becomes listeners: what Kestrel itself would make of each setting. */
class KestrelEndpointsTest {
    private static KestrelEndpoints.Result read(String... keysAndValues) {
        Map<String, String> kestrel = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            kestrel.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return KestrelEndpoints.read(kestrel);
    }

    @Test
    void theSeedsEndpoints() {
        KestrelEndpoints.Result r = read(
                "Endpoints:Http:Url", "http://*:8080",
                "Endpoints:Https:Url", "https://*:8443",
                "Endpoints:Https:Certificate:Path", "/app/certs/gateway.pfx",
                "Endpoints:Https:Certificate:Password", "",
                "Endpoints:Https:Protocols", "Http1AndHttp2",
                "Certificates:Default:Password", "from-the-environment");
        assertThat(r.problems()).isEmpty();
        assertThat(r.ignored()).isEmpty();
        KestrelEndpoints.Endpoint http = r.endpoints().get(0);
        KestrelEndpoints.Endpoint https = r.endpoints().get(1);
        assertThat(http.https()).isFalse();
        assertThat(http.host()).as("every interface").isNull();
        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.http1()).isTrue();
        assertThat(http.http2()).as("no ALPN without TLS, as in Kestrel").isFalse();
        assertThat(https.port()).isEqualTo(8443);
        assertThat(https.http1()).isTrue();
        assertThat(https.http2()).isTrue();
        assertThat(https.tlsProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(https.certificate().path()).isEqualTo(Path.of("/app/certs/gateway.pfx"));
        assertThat(https.certificate().password())
                .as("an empty Password falls back to KESTREL__CERTIFICATES__DEFAULT__PASSWORD")
                .isEqualTo("from-the-environment");
    }

    @Test
    void hostsProtocolsDefaultsAndPem() {
        KestrelEndpoints.Result r = read(
                "Endpoints:Local:Url", "https://localhost:9443",
                "Endpoints:V6:Url", "https://[::1]:9444",
                "Endpoints:V6:Protocols", "Http2",
                "Endpoints:V6:SslProtocols:0", "Tls13",
                "EndpointDefaults:Protocols", "Http1",
                "Certificates:Default:Path", "/tls/chain.pem",
                "Certificates:Default:KeyPath", "/tls/key.pem");
        assertThat(r.problems()).isEmpty();
        KestrelEndpoints.Endpoint local = r.endpoints().get(0);
        KestrelEndpoints.Endpoint v6 = r.endpoints().get(1);
        assertThat(local.host()).isEqualTo("127.0.0.1");
        assertThat(local.http1()).isTrue();
        assertThat(local.http2()).as("EndpointDefaults:Protocols Http1").isFalse();
        assertThat(local.certificate().keyPath()).isEqualTo(Path.of("/tls/key.pem"));
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.url(9444)).isEqualTo("https://[::1]:9444");
        assertThat(v6.http1()).isFalse();
        assertThat(v6.http2()).isTrue();
        assertThat(v6.tlsProtocols()).containsExactly("TLSv1.3");
    }

    @Test
    void whatCannotBeServedIsNamedAndWhatIsNotAppliedIsListed() {
        KestrelEndpoints.Result r = read(
                "Endpoints:A:Url", "ftp://host:21",
                "Endpoints:B:Url", "https://0.0.0.0:99999",
                "Endpoints:C:Url", "https://gateway.example.com:8443",
                "Endpoints:D:Url", "http://127.0.0.1:8080",
                "Endpoints:D:Certificate:Path", "/x.pfx",
                "Endpoints:E:Url", "https://127.0.0.1:8443",
                "Endpoints:E:Protocols", "Http1AndHttp2AndHttp3",
                "Endpoints:E:Certificate:Path", "/x.pfx",
                "Endpoints:F:Url", "https://127.0.0.1:8444",
                "Endpoints:F:ClientCertificateMode", "RequireCertificate",
                "Limits:MaxConcurrentConnections", "100");
        assertThat(r.problems())
                .hasSize(6)
                .anySatisfy(p -> assertThat(p).startsWith("Kestrel:Endpoints:A:Url = \"ftp://host:21\": expected"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("Kestrel:Endpoints:B:Url").contains("0 to 65535"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("Kestrel:Endpoints:C:Url").contains("not the name"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("Kestrel:Endpoints:D:Certificate")
                        .contains("https://"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("Kestrel:Endpoints:E:Protocols")
                        .contains("HTTP/3"))
                .anySatisfy(p -> assertThat(p).startsWith("Kestrel:Endpoints:F:Certificate:Path: missing"));
        assertThat(r.ignored())
                .isEqualTo(List.of(
                        "Kestrel:Endpoints:F:ClientCertificateMode", "Kestrel:Limits:MaxConcurrentConnections"));
    }
}
