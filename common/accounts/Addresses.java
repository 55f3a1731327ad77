import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals as the failure budgets count them (contract section 3): parsed without
 * ever asking DNS, and keyed with IPv6 by its /64 prefix, since one host usually has a whole
 * /64 to pick addresses from. The server (ClientAddress) and the admin CLI (unlock --address)
 * read addresses the same way.
 */
public final class Addresses {

    private Addresses() {}

    /** A dotted-quad IPv4 literal, each part 0 to 255: nothing else is handed to the JDK as IPv4. */
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    /** What an IPv6 literal is made of; the JDK checks the rest, in brackets, so it never asks DNS. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * A literal address, never a host name: nothing here asks DNS. An IPv4-mapped IPv6 address
     * (::ffff:1.2.3.4) comes back as IPv4, as Java parses it.
     */
    public static Optional<InetAddress> parse(String literal) {
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

    /** IPv4 as it is; IPv6 by its /64 prefix, written "2001:db8:1:2::/64". */
    public static String budgetKey(InetAddress address) {
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
}
