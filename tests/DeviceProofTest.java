import static org.junit.jupiter.api.Assertions.*;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The proof of a signed header (contract section 8): its signature, its time window, its key's fingerprint. */
class DeviceProofTest {

    static final KeyPair KEY = DeviceKeys.generate();
    static final KeyPair OTHER_KEY = DeviceKeys.generate();
    static final String CREDENTIALS = HeaderCodec.encode("alice", "s3cret pass", "ab".repeat(32));
    static final Instant T = Instant.parse("2026-12-01T12:00:00Z");

    static DeviceProof proof(String header) {
        return ((HeaderCodec.Signed) HeaderCodec.decode(header)).proof();
    }

    static DeviceProof signedAt(Instant time) {
        return proof(DeviceProof.signedHeader(CREDENTIALS, KEY.getPublic(), KEY.getPrivate(), time));
    }

    @Test
    void aFreshProofHoldsWithinAMinuteEitherWay() {
        assertEquals(Optional.empty(), signedAt(T).problemAt(T));
        assertEquals(Optional.empty(), signedAt(T).problemAt(T.plusSeconds(60)));
        assertEquals(Optional.empty(), signedAt(T).problemAt(T.minusSeconds(60)));
    }

    @Test
    void aTimeOutsideTheWindowSaysByHowMuchAndWhichWay() {
        assertEquals(Optional.of("the proof's time is 3600 s behind the server's clock (at most 60 s either way); set this computer's clock"),
                signedAt(T).problemAt(T.plus(Duration.ofHours(1))));
        assertEquals(Optional.of("the proof's time is 61 s ahead of the server's clock (at most 60 s either way); set this computer's clock"),
                signedAt(T).problemAt(T.minusSeconds(61)));
    }

    @Test
    void aSignatureByAnotherKeyOrOverOtherBytesDoesNotVerify() {
        String mine = DeviceProof.signedHeader(CREDENTIALS, KEY.getPublic(), KEY.getPrivate(), T);
        String[] parts = mine.split("\\.");
        String theirs = DeviceProof.signedHeader(CREDENTIALS, OTHER_KEY.getPublic(), OTHER_KEY.getPrivate(), T);
        String[] other = theirs.split("\\.");
        String expected = "the proof's signature does not verify under its key";

        String keySwapped = String.join(".", parts[0], other[1], parts[2], parts[3], parts[4]);
        assertEquals(Optional.of(expected), proof(keySwapped).problemAt(T), "my signature under their key");

        String otherCredentials = HeaderCodec.encode("mallory", "s3cret pass", "ab".repeat(32));
        assertEquals(Optional.of(expected), proof(String.join(".", otherCredentials, parts[1], parts[2], parts[3], parts[4])).problemAt(T),
                "the same proof on other credentials");
        assertEquals(Optional.of(expected), proof(String.join(".", parts[0], parts[1], Long.toString(T.getEpochSecond() + 1), parts[3], parts[4]))
                .problemAt(T), "another time");
        String otherNonce = DeviceKeys.base64url(new byte[16]);
        assertEquals(Optional.of(expected), proof(String.join(".", parts[0], parts[1], parts[2], otherNonce, parts[4])).problemAt(T),
                "another nonce");
        String zeros = DeviceKeys.base64url(new byte[64]);
        assertEquals(Optional.of(expected), proof(String.join(".", parts[0], parts[1], parts[2], parts[3], zeros)).problemAt(T));
    }

    @Test
    void theSignatureIsEs256OverTheDocumentedBytes() throws Exception {
        // Verified here with the JDK directly, from the contract's words, not through DeviceProof.
        String[] parts = DeviceProof.signedHeader(CREDENTIALS, KEY.getPublic(), KEY.getPrivate(), T).split("\\.");
        String signed = "seek-auth-proof-v1\nGET /check\n" + parts[2] + "\n" + parts[3] + "\n" + parts[1] + "\n" + parts[0];
        var verifier = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(KEY.getPublic());
        verifier.update(signed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(verifier.verify(Base64.getUrlDecoder().decode(parts[4])));
        assertEquals(Long.toString(T.getEpochSecond()), parts[2]);
    }

    @Test
    void eachHeaderHasAFreshNonce() {
        assertNotEquals(signedAt(T).nonce(), signedAt(T).nonce());
    }

    @Test
    void theFingerprintIsBase64urlSha256OfThePoint() throws Exception {
        byte[] point = DeviceKeys.point(KEY.getPublic());
        assertEquals(65, point.length);
        assertEquals(0x04, point[0]);
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(point));
        assertEquals(expected, signedAt(T).fingerprint());
        assertEquals(expected, DeviceKeys.fingerprint(DeviceKeys.base64url(point)));
        assertFalse(signedAt(T).toString().contains(signedAt(T).signature()), "toString shows no signature");
    }

    @Test
    void aPointRoundTripsToTheSameKey() {
        for (int i = 0; i < 50; i++) {  // some keys have coordinates with leading zero bytes
            var key = DeviceKeys.generate().getPublic();
            assertEquals(key, DeviceKeys.publicKey(DeviceKeys.point(key)).orElseThrow());
        }
    }
}
