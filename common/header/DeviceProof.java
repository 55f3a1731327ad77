import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The proof of possession that version 2 of the header carries after the credentials
 * (contract section 8): the device's public key, the client's time, a fresh nonce, and an
 * ES256 signature by the device key over all of them and the credentials.
 *
 * @param key the public key as the header carries it: base64url of the 65-byte point
 * @param publicKey the same key, checked to lie on P-256
 * @param time the client's clock, Unix seconds
 * @param nonce 16 random bytes, base64url
 * @param signature the 64-byte R||S signature, base64url
 * @param credentials the version-1 value that was signed over
 */
public record DeviceProof(String key, PublicKey publicKey, long time, String nonce, String signature, String credentials) {

    /** How far the proof's time may be from the server's clock, either way. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final int NONCE_BYTES = 16;
    private static final String CONTEXT = "seek-auth-proof-v1\nGET /check\n";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The bytes the signature covers. */
    static byte[] signedBytes(String key, long time, String nonce, String credentials) {
        return (CONTEXT + time + "\n" + nonce + "\n" + key + "\n" + credentials).getBytes(StandardCharsets.UTF_8);
    }

    /** The version-2 header value: the credentials, signed now by this device key with a fresh nonce. */
    public static String signedHeader(String credentials, PublicKey publicKey, PrivateKey privateKey, Instant now) {
        String key = DeviceKeys.base64url(DeviceKeys.point(publicKey));
        byte[] nonceBytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonceBytes);
        String nonce = DeviceKeys.base64url(nonceBytes);
        long time = now.getEpochSecond();
        byte[] signature = DeviceKeys.sign(privateKey, signedBytes(key, time, nonce, credentials));
        return credentials + "." + key + "." + time + "." + nonce + "." + DeviceKeys.base64url(signature);
    }

    /**
     * What is wrong with this proof at this time, or empty when it holds: the signature must
     * verify under its key, and its time be within {@link #MAX_CLOCK_SKEW} of now. The time is
     * checked first, as it costs nothing; its message says by how much and which way.
     */
    public Optional<String> problemAt(Instant now) {
        long skew = time - now.getEpochSecond();
        if (Math.abs(skew) > MAX_CLOCK_SKEW.toSeconds()) {
            return Optional.of("the proof's time is " + Math.abs(skew) + " s " + (skew < 0 ? "behind" : "ahead of")
                    + " the server's clock (at most " + MAX_CLOCK_SKEW.toSeconds() + " s either way); set this computer's clock");
        }
        if (!DeviceKeys.verifies(publicKey, signedBytes(key, time, nonce, credentials), Base64.getUrlDecoder().decode(signature))) {
            return Optional.of("the proof's signature does not verify under its key");
        }
        return Optional.empty();
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
