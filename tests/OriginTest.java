import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Origins as RFC 6454 serialises them (contract section 14), from a --server or --public-url URL, and from a request. */
class OriginTest {

    @Test
    void aUrlsOriginIsLowerCaseWithTheDefaultPortLeftOut() {
        assertEquals("https://auth.example.com", Origin.of(URI.create("HTTPS://Auth.Example.COM/")));
        assertEquals("https://auth.example.com", Origin.of(URI.create("https://auth.example.com:443/check")));
        assertEquals("http://auth.example.com", Origin.of(URI.create("http://auth.example.com:80")));
        assertEquals("http://127.0.0.1:8080", Origin.of(URI.create("http://127.0.0.1:8080/base/")));
        assertEquals("https://auth.example.com:8443", Origin.of(URI.create("https://auth.example.com:8443")));
        assertEquals("http://[::1]:8080", Origin.of(URI.create("http://[::1]:8080")));
        assertThrows(IllegalArgumentException.class, () -> Origin.of(URI.create("ftp://auth.example.com")));
        assertThrows(IllegalArgumentException.class, () -> Origin.of(URI.create("mailto:a@example.com")));
    }

    @Test
    void aRequestsOriginIsItsSchemeAndHost() {
        assertEquals(Optional.of("http://127.0.0.1:8080"), Origin.ofRequest("http", "127.0.0.1:8080"));
        assertEquals(Optional.of("https://auth.example.com"), Origin.ofRequest("https", "Auth.Example.com:443"));
        assertEquals(Optional.of("http://[::1]:9000"), Origin.ofRequest("http", "[::1]:9000"));
        assertEquals(Optional.empty(), Origin.ofRequest("http", null));
        assertEquals(Optional.empty(), Origin.ofRequest("http", "user@host"));
        assertEquals(Optional.empty(), Origin.ofRequest("http", "host:99999"));
        assertEquals(Optional.empty(), Origin.ofRequest("http", "host/path"));
    }

    @Test
    void forwardedHeadersCountOnlyFromATrustedProxy() {
        List<String> proto = List.of("https");
        List<String> host = List.of("auth.example.com");
        assertEquals("http://10.0.0.5:8080", RequestOrigin.of(false, "10.0.0.5:8080", false, proto, host), "a stranger's are ignored");
        assertEquals("https://auth.example.com", RequestOrigin.of(false, "10.0.0.5:8080", true, proto, host));
        assertEquals("https://auth.example.com", RequestOrigin.of(false, "10.0.0.5:8080", true, List.of("http, https"),
                List.of("evil.example, auth.example.com")), "the right-most entry, which the nearest proxy wrote");
        assertEquals("https://10.0.0.5:8080", RequestOrigin.of(true, "10.0.0.5:8080", true, List.of(), List.of()), "TLS: https");
        assertNull(RequestOrigin.of(false, null, false, List.of(), List.of()), "no Host: no origin");
        assertNull(RequestOrigin.of(false, "h", true, List.of("gopher"), List.of()), "not a web scheme");
    }

    @Test
    void publicUrlsBecomeTheirOriginsAndABadOneIsNamed() {
        assertEquals(List.of("https://auth.example.com", "http://127.0.0.1:8080"),
                CheckRules.origins("https://auth.example.com/, http://127.0.0.1:8080,https://AUTH.example.com:443"));
        assertEquals(List.of(), CheckRules.origins(null));
        var e = assertThrows(IllegalArgumentException.class, () -> CheckRules.origins("https://ok.example, auth.example.com"));
        assertEquals("--public-url: not an http:// or https:// URL with a host: auth.example.com", e.getMessage());
    }
}
