import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client address that failures are counted under (contract section 3): the connecting
 * address, or, when that is a trusted reverse proxy, the right-most address of
 * X-Forwarded-For that is not itself a trusted proxy. IPv6 addresses count by their
 * /64 prefix, since one host usually has a whole /64 to pick addresses from.
 */
public final class ClientAddress {

    /** "203.0.113.7:4711" and "[2001:db8::1]:443", as some proxies and load balancers write X-Forwarded-For. */
    private static final Pattern IPV4_WITH_PORT = Pattern.compile("([0-9.]+):[0-9]{1,5}");
    private static final Pattern BRACKETED_WITH_PORT = Pattern.compile("\\[([^\\]]*)\\](:[0-9]{1,5})?");

    /** One address or CIDR block of --trusted-proxies. */
    record Block(byte[] network, int prefixBits) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) return false;
            for (int bit = 0; bit < prefixBits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
            }
            return true;
        }
    }

    private final List<Block> trustedProxies;

    private ClientAddress(List<Block> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** No trusted proxies: X-Forwarded-For is never believed. */
    public static ClientAddress direct() {
        return new ClientAddress(List.of());
    }

    /**
     * From a --trusted-proxies value: comma-separated addresses and CIDR blocks, e.g.
     * "127.0.0.1, 10.0.0.0/8, ::1". Throws IllegalArgumentException naming a bad entry.
     */
    public static ClientAddress trusting(String trustedProxies) {
        var blocks = new ArrayList<Block>();
        if (trustedProxies != null) {
            for (String entry : trustedProxies.split(",")) {
                if (!entry.isBlank()) blocks.add(block(entry.strip()));
            }
        }
        return new ClientAddress(List.copyOf(blocks));
    }

    private static Block block(String entry) {
        String[] parts = entry.split("/", 2);
        InetAddress address = Addresses.parse(parts[0]).orElseThrow(
                () -> new IllegalArgumentException("--trusted-proxies: not an IP address or CIDR block: " + entry));
        int maxBits = address.getAddress().length * 8;
        int bits = maxBits;
        if (parts.length == 2) {
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > maxBits) {
                throw new IllegalArgumentException("--trusted-proxies: prefix length must be 0 to " + maxBits + ": " + entry);
            }
        }
        return new Block(address.getAddress(), bits);
    }

    /**
     * The address to count failures under.
     *
     * @param peer the connecting address, as a literal
     * @param forwardedFor every X-Forwarded-For value in the request, in order
     */
    public String of(String peer, List<String> forwardedFor) {
        Optional<InetAddress> connecting = Addresses.parse(peer);
        if (connecting.isEmpty()) return peer;
        InetAddress client = connecting.get();
        if (isTrusted(client)) {
            var hops = new ArrayList<String>();
            for (String value : forwardedFor) hops.addAll(Arrays.asList(value.split(",")));
            for (int i = hops.size() - 1; i >= 0; i--) {
                Optional<InetAddress> hop = Addresses.parse(withoutPort(hops.get(i).strip()));
                if (hop.isEmpty()) break;  // not an address: believe nothing further left
                client = hop.get();
                if (!isTrusted(client)) break;
            }
        }
        return Addresses.budgetKey(client);
    }

    /** Whether this connecting address (a literal) is a trusted proxy, whose forwarded headers are believed. */
    public boolean isTrustedProxy(String peer) {
        return Addresses.parse(peer).map(this::isTrusted).orElse(false);
    }

    private boolean isTrusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(block -> block.contains(address));
    }


    /** An X-Forwarded-For entry without the port some proxies add: "[::1]:443" is "::1", "1.2.3.4:80" is "1.2.3.4". */
    static String withoutPort(String entry) {
        var bracketed = BRACKETED_WITH_PORT.matcher(entry);
        if (bracketed.matches()) return bracketed.group(1);
        var v4 = IPV4_WITH_PORT.matcher(entry);
        return v4.matches() ? v4.group(1) : entry;
    }

}
