import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The proof of possession that version 2 of the header carries after the credentials
 * (contract sections 12 and 14): the device's public key, the client's time, a fresh nonce,
 * and an ES256 signature by the device key over all of them, the credentials, and the origin
 * of the server the header is sent to.
 *
 * @param key the public key as the header carries it: base64url of the 65-byte point
 * @param publicKey the same key, checked to lie on P-256
 * @param time the client's clock, Unix seconds
 * @param nonce 16 random bytes, base64url
 * @param signature the 64-byte R||S signature, base64url
 * @param credentials the version-1 value that was signed over
 */
public record DeviceProof(String key, java.security.PublicKey publicKey, long time, String nonce, String signature, String credentials) {

    /** How far the proof's time may be from the server's clock, either way. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final int NONCE_BYTES = 16;
    private static final String CONTEXT = "seek-auth-proof-v2\nGET ";
    /** The signed text of contract section 12, which named no server: refused with its own message. */
    private static final String OLD_CONTEXT = "seek-auth-proof-v1\nGET /check\n";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The bytes the signature covers, for a header sent to this origin. */
    static byte[] signedBytes(String origin, String key, long time, String nonce, String credentials) {
        return (CONTEXT + origin + "/check\n" + time + "\n" + nonce + "\n" + key + "\n" + credentials).getBytes(StandardCharsets.UTF_8);
    }

    /** The version-2 header value: the credentials, signed now for this origin by this device key with a fresh nonce. */
    public static String signedHeader(String credentials, String origin, DeviceSigner signer, Instant now) {
        String key = DeviceKeys.base64url(signer.point());
        byte[] nonceBytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonceBytes);
        String nonce = DeviceKeys.base64url(nonceBytes);
        long time = now.getEpochSecond();
        byte[] signature = signer.sign(signedBytes(origin, key, time, nonce, credentials));
        return credentials + "." + key + "." + time + "." + nonce + "." + DeviceKeys.base64url(signature);
    }

    /** The same, with a key pair held in memory. */
    public static String signedHeader(String credentials, String origin, KeyPair key, Instant now) {
        return signedHeader(credentials, origin, DeviceSigner.of(key), now);
    }

    /**
     * What is wrong with this proof at this time (epoch milliseconds), or empty when it holds:
     * its time within {@link #MAX_CLOCK_SKEW} of now, to the millisecond, and its signature
     * valid under its key for one of the server's origins. The time is checked first, as it
     * costs nothing.
     *
     * @param origins the origins this server answers as (--public-url, else the one the request names)
     * @param requestOrigin the origin the request names (its Host), or null: only to say, when the proof
     *                      was made for it and it is not one of origins, which server the proof is for
     */
    public Optional<String> problemAt(long nowMillis, List<String> origins, String requestOrigin) {
        long skew = time * 1000 - nowMillis;
        if (Math.abs(skew) > MAX_CLOCK_SKEW.toMillis()) {
            long seconds = (Math.abs(skew) + 999) / 1000;
            return Optional.of("the proof's time is " + seconds + " s " + (skew < 0 ? "behind" : "ahead of")
                    + " the server's clock (at most " + MAX_CLOCK_SKEW.toSeconds() + " s either way); set this computer's clock");
        }
        byte[] signatureBytes = Base64.getUrlDecoder().decode(signature);
        for (String origin : origins) {
            if (verifiesFor(origin, signatureBytes)) return Optional.empty();
        }
        String thisServer = String.join(" or ", origins);
        if (requestOrigin != null && !origins.contains(requestOrigin) && verifiesFor(requestOrigin, signatureBytes)) {
            return Optional.of("the proof is for " + requestOrigin + "; this server is " + thisServer);
        }
        byte[] oldForm = (OLD_CONTEXT + time + "\n" + nonce + "\n" + key + "\n" + credentials).getBytes(StandardCharsets.UTF_8);
        if (DeviceKeys.verifies(publicKey, oldForm, signatureBytes)) {
            return Optional.of("the proof is signed in an older form; update the client");
        }
        if (origins.isEmpty()) return Optional.of("the request names no server (no Host header) to check the proof against");
        return Optional.of("the proof's signature does not verify under its key for " + thisServer);
    }

    private boolean verifiesFor(String origin, byte[] signatureBytes) {
        return DeviceKeys.verifies(publicKey, signedBytes(origin, key, time, nonce, credentials), signatureBytes);
    }

    /** The key's fingerprint: base64url SHA-256 of its point. */
    public String fingerprint() {
        return DeviceKeys.fingerprint(Base64.getUrlDecoder().decode(key));
    }

    /** Never shows the signature or the credentials. */
    @Override
    public String toString() {
        return "DeviceProof[key=SHA256:" + fingerprint() + ", time=" + time + "]";
    }
}
