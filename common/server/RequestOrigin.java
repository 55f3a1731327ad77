import java.util.List;
import java.util.Locale;

/**
 * The origin a request names (contract section 14), for servers without --public-url: the
 * scheme it came in on (https under TLS) and its Host header; from a trusted proxy, that
 * proxy's X-Forwarded-Proto and X-Forwarded-Host instead, where it sets them. A proxy that
 * chains appends, so the right-most entry is the one the nearest (trusted) proxy wrote.
 */
final class RequestOrigin {

    private RequestOrigin() {}

    /** The origin, or null when the request names none that parses (no Host, say). */
    static String of(boolean tls, String host, boolean fromTrustedProxy, List<String> forwardedProto, List<String> forwardedHost) {
        String scheme = tls ? "https" : "http";
        String authority = host;
        if (fromTrustedProxy) {
            String proto = rightMost(forwardedProto);
            if (proto != null) scheme = proto.toLowerCase(Locale.ROOT);
            String forwarded = rightMost(forwardedHost);
            if (forwarded != null) authority = forwarded;
        }
        if (!scheme.equals("http") && !scheme.equals("https")) return null;
        return Origin.ofRequest(scheme, authority).orElse(null);
    }

    private static String rightMost(List<String> values) {
        if (values.isEmpty()) return null;
        String[] entries = values.getLast().split(",");
        String last = entries[entries.length - 1].strip();
        return last.isEmpty() ? null : last;
    }
}
