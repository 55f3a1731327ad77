import java.time.Duration;
import java.util.List;

/**
 * The server's choices in the /check decision, from its flags.
 *
 * @param requireProof refuse version-1 headers, unsigned by a device key (--require-proof, contract section 12)
 * @param releaseAfter a binding idle for longer moves to the user's next verified machine (--release-after,
 *                     contract section 13); zero: never
 * @param publicOrigins the origins this server answers as (--public-url, contract section 14), which a proof
 *                      must be signed for; empty: the origin each request names
 */
public record CheckRules(boolean requireProof, Duration releaseAfter, List<String> publicOrigins) {

    /** Version 1 accepted, bindings never released, origins from the requests: the defaults. */
    public static final CheckRules DEFAULT = new CheckRules(false, Duration.ZERO, List.of());

    public CheckRules {
        publicOrigins = List.copyOf(publicOrigins);
    }

    /**
     * The origins of a --public-url value: comma-separated http:// or https:// URLs, each
     * reduced to its origin. IllegalArgumentException names an entry that is not such a URL.
     */
    public static List<String> origins(String publicUrls) {
        if (publicUrls == null || publicUrls.isBlank()) return List.of();
        var origins = new java.util.ArrayList<String>();
        for (String entry : publicUrls.split(",")) {
            if (entry.isBlank()) continue;
            try {
                String origin = Origin.of(java.net.URI.create(entry.strip()));
                if (!origins.contains(origin)) origins.add(origin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--public-url: not an http:// or https:// URL with a host: " + entry.strip());
            }
        }
        return origins;
    }

    public CheckRules withRequireProof(boolean requireProof) {
        return new CheckRules(requireProof, releaseAfter, publicOrigins);
    }

    public CheckRules withReleaseAfter(Duration releaseAfter) {
        return new CheckRules(requireProof, releaseAfter, publicOrigins);
    }

    public CheckRules withPublicOrigins(List<String> publicOrigins) {
        return new CheckRules(requireProof, releaseAfter, publicOrigins);
    }
}
