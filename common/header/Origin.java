import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A web origin as RFC 6454 serialises it: scheme "://" host, then ":" port unless it is the
 * scheme's default, all in lower case ({@code https://auth.example.com}, {@code http://127.0.0.1:8080}).
 * A version-2 proof signs the origin it is sent to (contract section 14), as DPoP signs its htu.
 */
public final class Origin {

    /** host, or host:port, where host may be a bracketed IPv6 literal; what a Host header holds. */
    private static final Pattern AUTHORITY = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^\\[\\]:/@\\s]+)(?::([0-9]{1,5}))?");

    private Origin() {}

    /** The origin of an http:// or https:// URL; IllegalArgumentException for any other. */
    public static String of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("not an http:// or https:// URL with a host: " + url);
        }
        return serialise(scheme, url.getHost(), url.getPort());
    }

    /**
     * The origin a request names: its scheme and its Host header (or X-Forwarded-Host); empty
     * when the authority is not a host with an optional port.
     */
    public static Optional<String> ofRequest(String scheme, String authority) {
        if (authority == null) return Optional.empty();
        var matcher = AUTHORITY.matcher(authority.strip());
        if (!matcher.matches()) return Optional.empty();
        int port = matcher.group(2) == null ? -1 : Integer.parseInt(matcher.group(2));
        if (port > 65535) return Optional.empty();
        return Optional.of(serialise(scheme.toLowerCase(Locale.ROOT), matcher.group(1), port));
    }

    private static String serialise(String scheme, String host, int port) {
        int defaultPort = scheme.equals("https") ? 443 : 80;
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (port == -1 || port == defaultPort ? "" : ":" + port);
    }
}
