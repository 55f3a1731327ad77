import java.net.InetAddress;
import java.net.UnknownHostException;
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

    /** A dotted-quad IPv4 literal, each part 0 to 255: nothing else is handed to the JDK as IPv4. */
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    /** What an IPv6 literal is made of; the JDK checks the rest, in brackets, so it never asks DNS. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
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
        InetAddress address = parse(parts[0]).orElseThrow(
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
        Optional<InetAddress> connecting = parse(peer);
        if (connecting.isEmpty()) return peer;
        InetAddress client = connecting.get();
        if (isTrusted(client)) {
            var hops = new ArrayList<String>();
            for (String value : forwardedFor) hops.addAll(Arrays.asList(value.split(",")));
            for (int i = hops.size() - 1; i >= 0; i--) {
                Optional<InetAddress> hop = parse(withoutPort(hops.get(i).strip()));
                if (hop.isEmpty()) break;  // not an address: believe nothing further left
                client = hop.get();
                if (!isTrusted(client)) break;
            }
        }
        return key(client);
    }

    private boolean isTrusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(block -> block.contains(address));
    }

    /** IPv4 as it is; IPv6 by its /64 prefix, written "2001:db8:1:2::/64". */
    static String key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) return address.getHostAddress();
        byte[] prefix = Arrays.copyOf(bytes, 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix).getHostAddress().replaceFirst(":0:0:0:0$", "::") + "/64";
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** An X-Forwarded-For entry without the port some proxies add: "[::1]:443" is "::1", "1.2.3.4:80" is "1.2.3.4". */
    static String withoutPort(String entry) {
        var bracketed = BRACKETED_WITH_PORT.matcher(entry);
        if (bracketed.matches()) return bracketed.group(1);
        var v4 = IPV4_WITH_PORT.matcher(entry);
        return v4.matches() ? v4.group(1) : entry;
    }

    /**
     * A literal address, never a host name: nothing here asks DNS. An IPv4-mapped IPv6 address
     * (::ffff:1.2.3.4) comes back as IPv4, as Java parses it.
     */
    static Optional<InetAddress> parse(String literal) {
        String text = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        int zone = text.indexOf('%');
        if (zone >= 0) text = text.substring(0, zone);
        String asJdkReadsIt;
        if (IPV4.matcher(text).matches()) asJdkReadsIt = text;
        else if (IPV6_CHARS.matcher(text).matches()) asJdkReadsIt = "[" + text + "]";  // brackets: a literal or an error, never a lookup
        else return Optional.empty();
        try {
            return Optional.of(InetAddress.getByName(asJdkReadsIt));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
