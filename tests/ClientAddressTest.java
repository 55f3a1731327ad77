import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address failures are counted under: contract section 3, the client address key. */
class ClientAddressTest {

    @Test
    void withoutTrustedProxiesXForwardedForIsIgnored() {
        assertEquals("198.51.100.7", ClientAddress.direct().of("198.51.100.7", List.of("203.0.113.1")));
    }

    @Test
    void fromATrustedProxyTheRightMostUntrustedAddressCounts() {
        var address = ClientAddress.trusting("127.0.0.1, 10.0.0.0/8");
        assertEquals("203.0.113.9", address.of("127.0.0.1", List.of("192.0.2.66, 203.0.113.9")), "left of it is the client's say-so");
        assertEquals("203.0.113.9", address.of("127.0.0.1", List.of("192.0.2.66, 203.0.113.9, 10.1.2.3")), "trusted hops are skipped");
        assertEquals("203.0.113.9", address.of("10.9.9.9", List.of("192.0.2.66", "203.0.113.9")), "several headers read as one list");
    }

    @Test
    void fromAnUntrustedPeerTheForwardedAddressIsNotBelieved() {
        var address = ClientAddress.trusting("10.0.0.0/8");
        assertEquals("192.0.2.5", address.of("192.0.2.5", List.of("203.0.113.9")));
    }

    @Test
    void aProxyWithNoOrGarbledForwardedForCountsAsItself() {
        var address = ClientAddress.trusting("127.0.0.1");
        assertEquals("127.0.0.1", address.of("127.0.0.1", List.of()));
        assertEquals("127.0.0.1", address.of("127.0.0.1", List.of("not-an-address")));
        assertEquals("127.0.0.1", address.of("127.0.0.1", List.of("203.0.113.9, evil.example")), "no DNS, and no guessing past it");
    }

    @Test
    void ipv6CountsByItsSlash64AndMappedIpv4AsIpv4() {
        var address = ClientAddress.trusting("::1");
        assertEquals("2001:db8:1:2::/64", address.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd", List.of()));
        assertEquals("2001:db8:1:2::/64", address.of("::1", List.of("[2001:db8:1:2::99]")));
        assertEquals("192.0.2.1", address.of("::ffff:192.0.2.1", List.of()));
    }

    @Test
    void aBadTrustedProxyEntryIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("127.0.0.1, proxy.internal"));
        assertEquals("--trusted-proxies: not an IP address or CIDR block: proxy.internal", e.getMessage());
        var bits = assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting("10.0.0.0/33"));
        assertEquals("--trusted-proxies: prefix length must be 0 to 32: 10.0.0.0/33", bits.getMessage());
    }

    @Test
    void forwardedEntriesWithAPortCountByTheirAddress() {
        var address = ClientAddress.trusting("127.0.0.1");
        assertEquals("203.0.113.7", address.of("127.0.0.1", List.of("203.0.113.7:4711")));
        assertEquals("2001:db8:0:1::/64", address.of("127.0.0.1", List.of("[2001:db8:0:1::1]:443")));
        assertEquals("2001:db8:0:1::/64", address.of("127.0.0.1", List.of("192.0.2.1, [2001:db8:0:1::1]")));
        assertEquals("127.0.0.1", address.of("127.0.0.1", List.of("203.0.113.7:99999999")), "not a port: believed no further");
    }

    @Test
    void onlyWellFormedLiteralsAreAddressesSoNothingIsLookedUp() {
        for (String bad : List.of("1.2.3.4.5", "1.2.3", "256.1.1.1", "01.2.3.4x", "1:2:3", "12345", "::g")) {
            assertEquals(java.util.Optional.empty(), Addresses.parse(bad), bad);
            var e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusting(bad), bad);
            assertEquals("--trusted-proxies: not an IP address or CIDR block: " + bad, e.getMessage());
        }
        assertTrue(Addresses.parse("2001:db8::1").isPresent());
        assertTrue(Addresses.parse("10.0.0.1").isPresent());
    }
}
