import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The proof of a signed header (contract sections 12 and 14): its signature, its origin, its time window, its key's fingerprint. */
class DeviceProofTest {

    static final KeyPair KEY = DeviceKeys.generate();
    static final KeyPair OTHER_KEY = DeviceKeys.generate();
    static final String CREDENTIALS = HeaderCodec.encode("alice", "s3cret pass", "ab".repeat(32));
    static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
    static final String PRODUCTION = "https://auth.example.com";
    static final String STAGING = "https://staging.example.com";
    static final List<String> ONLY_PRODUCTION = List.of(PRODUCTION);

    static DeviceProof proof(String header) {
        return ((HeaderCodec.Signed) HeaderCodec.decode(header)).proof();
    }

    static DeviceProof signedAt(Instant time) {
        return proof(DeviceProof.signedHeader(CREDENTIALS, PRODUCTION, KEY, time));
    }

    static Optional<String> problem(DeviceProof proof, Instant now) {
        return proof.problemAt(now.toEpochMilli(), ONLY_PRODUCTION, null);
    }

    @Test
    void aFreshProofHoldsWithinAMinuteEitherWayToTheMillisecond() {
        assertEquals(Optional.empty(), problem(signedAt(T), T));
        assertEquals(Optional.empty(), problem(signedAt(T), T.plusSeconds(60)));
        assertEquals(Optional.empty(), problem(signedAt(T), T.minusSeconds(60)));
        assertTrue(problem(signedAt(T), T.plusMillis(60_001)).isPresent(), "60.001 s late is too late: no rounding to whole seconds");
        assertTrue(problem(signedAt(T), T.minusMillis(60_001)).isPresent());
    }

    @Test
    void aTimeOutsideTheWindowSaysByHowMuchAndWhichWay() {
        assertEquals(Optional.of("the proof's time is 3600 s behind the server's clock (at most 60 s either way); set this computer's clock"),
                problem(signedAt(T), T.plus(Duration.ofHours(1))));
        assertEquals(Optional.of("the proof's time is 61 s ahead of the server's clock (at most 60 s either way); set this computer's clock"),
                problem(signedAt(T), T.minusSeconds(61)));
    }

    @Test
    void aProofForAnotherServerIsRefusedNamingBothWhenTheRequestSaysWhichItWasFor() {
        var forStaging = proof(DeviceProof.signedHeader(CREDENTIALS, STAGING, KEY, T));
        assertEquals(Optional.of("the proof is for https://staging.example.com; this server is https://auth.example.com"),
                forStaging.problemAt(T.toEpochMilli(), ONLY_PRODUCTION, STAGING));
        assertEquals(Optional.of("the proof's signature does not verify under its key for https://auth.example.com"),
                forStaging.problemAt(T.toEpochMilli(), ONLY_PRODUCTION, PRODUCTION),
                "relayed with production's Host: the server cannot tell where it was meant to go, only that it is not here");
        assertEquals(Optional.empty(), forStaging.problemAt(T.toEpochMilli(), List.of(PRODUCTION, STAGING), null),
                "either of several public origins");
        assertEquals(Optional.empty(), forStaging.problemAt(T.toEpochMilli(), List.of(STAGING), STAGING));
    }

    @Test
    void aProofSignedInTheOlderFormIsRefusedAskingForANewerClient() throws Exception {
        String key = DeviceKeys.base64url(DeviceKeys.point(KEY.getPublic()));
        String nonce = DeviceKeys.base64url(new byte[16]);
        long time = T.getEpochSecond();
        String v1 = "seek-auth-proof-v1\nGET /check\n" + time + "\n" + nonce + "\n" + key + "\n" + CREDENTIALS;
        String signature = DeviceKeys.base64url(DeviceKeys.sign(KEY.getPrivate(), v1.getBytes(StandardCharsets.UTF_8)));
        var old = proof(String.join(".", CREDENTIALS, key, Long.toString(time), nonce, signature));
        assertEquals(Optional.of("the proof is signed in an older form; update the client"), problem(old, T));
    }

    @Test
    void aSignatureByAnotherKeyOrOverOtherBytesDoesNotVerify() {
        String mine = DeviceProof.signedHeader(CREDENTIALS, PRODUCTION, KEY, T);
        String[] parts = mine.split("\\.");
        String theirs = DeviceProof.signedHeader(CREDENTIALS, PRODUCTION, OTHER_KEY, T);
        String[] other = theirs.split("\\.");
        var expected = Optional.of("the proof's signature does not verify under its key for https://auth.example.com");

        String keySwapped = String.join(".", parts[0], other[1], parts[2], parts[3], parts[4]);
        assertEquals(expected, problem(proof(keySwapped), T), "my signature under their key");

        String otherCredentials = HeaderCodec.encode("mallory", "s3cret pass", "ab".repeat(32));
        assertEquals(expected, problem(proof(String.join(".", otherCredentials, parts[1], parts[2], parts[3], parts[4])), T),
                "the same proof on other credentials");
        assertEquals(expected, problem(proof(String.join(".", parts[0], parts[1], Long.toString(T.getEpochSecond() + 1), parts[3], parts[4])), T),
                "another time");
        String otherNonce = DeviceKeys.base64url(new byte[16]);
        assertEquals(expected, problem(proof(String.join(".", parts[0], parts[1], parts[2], otherNonce, parts[4])), T), "another nonce");
        String zeros = DeviceKeys.base64url(new byte[64]);
        assertEquals(expected, problem(proof(String.join(".", parts[0], parts[1], parts[2], parts[3], zeros)), T));
        assertEquals(Optional.of("the request names no server (no Host header) to check the proof against"),
                proof(mine).problemAt(T.toEpochMilli(), List.of(), null));
    }

    @Test
    void theSignatureIsEs256OverTheDocumentedBytes() throws Exception {
        // Verified here with the JDK directly, from the contract's words, not through DeviceProof.
        String[] parts = DeviceProof.signedHeader(CREDENTIALS, PRODUCTION, KEY, T).split("\\.");
        String signed = "seek-auth-proof-v2\nGET https://auth.example.com/check\n" + parts[2] + "\n" + parts[3] + "\n" + parts[1] + "\n" + parts[0];
        var verifier = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(KEY.getPublic());
        verifier.update(signed.getBytes(StandardCharsets.UTF_8));
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
