import java.time.Duration;

/**
 * The server's choices in the /check decision, from its flags.
 *
 * @param requireProof refuse version-1 headers, unsigned by a device key (--require-proof, contract section 8)
 * @param releaseAfter a binding idle for longer moves to the user's next verified machine (--release-after,
 *                     contract section 9); zero: never
 */
public record CheckRules(boolean requireProof, Duration releaseAfter) {

    /** Version 1 accepted, bindings never released: the defaults. */
    public static final CheckRules DEFAULT = new CheckRules(false, Duration.ZERO);

    public CheckRules withRequireProof(boolean requireProof) {
        return new CheckRules(requireProof, releaseAfter);
    }

    public CheckRules withReleaseAfter(Duration releaseAfter) {
        return new CheckRules(requireProof, releaseAfter);
    }
}
