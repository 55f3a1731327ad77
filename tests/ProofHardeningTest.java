import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Proofs, hardened (contract section 14), against a real server: replays that cost the owner
 * nothing, proofs that name their server, pins that are seen, and a proof made by someone
 * else's code from the contract's words alone.
 */
class ProofHardeningTest {

    static final String PASSWORD = "hardened-Pa55";
    static final String M1 = "3c".repeat(32);
    static final KeyPair KEY = DeviceKeys.generate();

    static String code(HttpResponse<String> response) {
        var matcher = java.util.regex.Pattern.compile("\"code\": \"([A-Z_]+)\"").matcher(response.body());
        return response.statusCode() + " " + (matcher.find() ? matcher.group(1) : "OK");
    }

    static String detail(HttpResponse<String> response) {
        var matcher = java.util.regex.Pattern.compile("\"detail\": \"([^\"]*)\"").matcher(response.body());
        return matcher.find() ? matcher.group(1) : "";
    }

    @Test
    void aFloodOfReplaysNeverMakesTheOwnerWaitOnSqlite() throws Exception {
        try (var server = TestServer.inTempDir().withUser("alice", PASSWORD)) {
            replayFlood(server);
        }
    }

    @Test
    void aFloodOfReplaysNeverMakesTheOwnerWaitOnPostgres() throws Exception {
        try (var server = new TestServer(PostgresCluster.shared().newDatabase())) {
            server.addUser("alice", PASSWORD);
            replayFlood(server);
        }
    }

    /**
     * One header of alice's, captured after it was used, fired 60 times from 30 connections at
     * once while alice logs in afresh: each replay is refused as a replay, none answers 429, and
     * every one of alice's own logins is 200.
     */
    static void replayFlood(TestServer server) throws Exception {
        assertEquals("200 OK", code(server.checkSigned("alice", PASSWORD, M1, KEY)));
        String captured = server.signedHeader("alice", PASSWORD, M1, KEY);
        assertEquals("200 OK", code(server.get(server.check, captured)));

        var pool = Executors.newFixedThreadPool(31);
        try {
            var replays = new ArrayList<Future<String>>();
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 60; i++) {
                replays.add(pool.submit(() -> {
                    start.await();
                    return code(server.get(server.check, captured));
                }));
            }
            Callable<List<String>> owner = () -> {
                start.await();
                var answers = new ArrayList<String>();
                for (int i = 0; i < 6; i++) answers.add(code(server.checkSigned("alice", PASSWORD, M1, KEY)));
                return answers;
            };
            var ownerAnswers = pool.submit(owner);
            start.countDown();
            for (var replay : replays) assertEquals("401 PROOF_REPLAYED", replay.get());
            assertEquals(List.of("200 OK", "200 OK", "200 OK", "200 OK", "200 OK", "200 OK"), ownerAnswers.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withAPublicUrlAProofForAnotherOriginIsRefusedNamingBoth() {
        try (var server = TestServer.inTempDir(settings -> settings.withRules(
                CheckRules.DEFAULT.withPublicOrigins(List.of("https://auth.example.test")))).withUser("alice", PASSWORD)) {
            String loopback = "http://127.0.0.1:" + server.web.port();  // the Host this test's requests carry
            var toLoopback = server.get(server.check, DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1), loopback, KEY,
                    java.time.Instant.now()));
            assertEquals("401 INVALID_PROOF", code(toLoopback));
            assertEquals("the proof is for " + loopback + "; this server is https://auth.example.test", detail(toLoopback));
            assertFalse(server.store.findUser("alice").orElseThrow().isBound(), "nothing written");

            String forPublicUrl = DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1), "https://auth.example.test", KEY,
                    java.time.Instant.now());
            assertEquals("200 OK", code(server.get(server.check, forPublicUrl)));
        }
    }

    @Test
    void withoutAPublicUrlTheRequestsHostIsTheOriginAndOnlyATrustedProxyMayForwardAnother() {
        try (var server = TestServer.inTempDir().withUser("alice", PASSWORD)) {
            String forLocalhost = DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1),
                    "http://localhost:" + server.web.port(), KEY, java.time.Instant.now());
            var misdirected = server.get(server.check, forLocalhost);  // sent with Host 127.0.0.1:PORT
            assertEquals("401 INVALID_PROOF", code(misdirected));
            assertEquals("the proof's signature does not verify under its key for " + server.origin(), detail(misdirected));

            var forwarded = server.send(forwardedRequest(server, "https://auth.example.test"));
            assertEquals("401 INVALID_PROOF", code(forwarded), "X-Forwarded-* from a stranger count for nothing");
            assertEquals("200 OK", code(server.checkSigned("alice", PASSWORD, M1, KEY)), "its own Host");
        }
        try (var proxied = TestServer.inTempDir(settings -> settings.withClientAddress(ClientAddress.trusting("127.0.0.1")))
                .withUser("alice", PASSWORD)) {
            assertEquals("200 OK", code(proxied.send(forwardedRequest(proxied, "https://auth.example.test"))),
                    "the trusted proxy's X-Forwarded-Proto and X-Forwarded-Host name the origin");
        }
    }

    /** A check signed for this origin, sent as a proxy at loopback forwards one for https://auth.example.test. */
    static HttpRequest forwardedRequest(TestServer server, String origin) {
        String header = DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1), origin, KEY, java.time.Instant.now());
        return HttpRequest.newBuilder(server.check).timeout(Duration.ofSeconds(30)).header(HeaderCodec.HEADER_NAME, header)
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "auth.example.test").GET().build();
    }

    @Test
    void aProofInTheOlderSignedFormIsRefusedAskingForANewerClient() throws Exception {
        try (var server = TestServer.inTempDir().withUser("alice", PASSWORD)) {
            String credentials = HeaderCodec.encode("alice", PASSWORD, M1);
            String key = DeviceKeys.base64url(DeviceKeys.point(KEY.getPublic()));
            String nonce = DeviceKeys.base64url(new byte[16]);
            String time = Long.toString(java.time.Instant.now().getEpochSecond());
            String v1 = "seek-auth-proof-v1\nGET /check\n" + time + "\n" + nonce + "\n" + key + "\n" + credentials;
            String signature = DeviceKeys.base64url(DeviceKeys.sign(KEY.getPrivate(), v1.getBytes(StandardCharsets.UTF_8)));
            var response = server.get(server.check, String.join(".", credentials, key, time, nonce, signature));
            assertEquals("401 INVALID_PROOF", code(response));
            assertEquals("the proof is signed in an older form; update the client", detail(response));
        }
    }

    @Test
    void aKeyPinnedToABindingMadeByAVersion1LoginIsLoggedAndListed() {
        try (var server = TestServer.inTempDir().withUser("alice", PASSWORD)) {
            assertEquals("200 OK", code(server.check("alice", PASSWORD, M1)));
            assertTrue(UserListing.json(server.store.listUsers()).contains("\"key_added\": null"));

            assertEquals("200 OK", code(server.checkSigned("alice", PASSWORD, M1, KEY)));
            String fingerprint = DeviceKeys.fingerprint(DeviceKeys.point(KEY.getPublic()));
            assertTrue(server.logLines().stream().anyMatch(line -> line.contains(
                    "decision=OK binding=existing key=added SHA256:" + fingerprint.substring(0, 8) + " user=alice")), server.logLines().toString());
            var alice = server.store.findUser("alice").orElseThrow();
            assertNotNull(alice.keyAddedAt());
            assertTrue(UserListing.json(server.store.listUsers()).contains("\"key_added\": \"" + alice.keyAddedAt() + "\""),
                    UserListing.json(server.store.listUsers()));

            assertEquals("200 OK", code(server.checkSigned("alice", PASSWORD, M1, KEY)));
            assertEquals(1, server.logLines().stream().filter(line -> line.contains("key=added")).count(), "said once, when pinned");
        }
    }

    /**
     * A client written from the contract's words alone, with nothing of ours but the header's
     * name: the JDK makes the key, the point, the nonce and the signature. If this logs in,
     * the contract is precise enough for someone else to write a client.
     */
    @Test
    void aProofMadeWithoutOurClassesFromTheContractAloneVerifies() throws Exception {
        try (var server = TestServer.inTempDir().withUser("alice", PASSWORD)) {
            var generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            var pair = generator.generateKeyPair();
            var w = ((java.security.interfaces.ECPublicKey) pair.getPublic()).getW();
            byte[] point = new byte[65];
            point[0] = 0x04;
            byte[] x = w.getAffineX().toByteArray(), y = w.getAffineY().toByteArray();
            System.arraycopy(x, Math.max(0, x.length - 32), point, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
            System.arraycopy(y, Math.max(0, y.length - 32), point, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
            var b64url = Base64.getUrlEncoder().withoutPadding();
            String key = b64url.encodeToString(point);
            byte[] nonceBytes = new byte[16];
            new java.security.SecureRandom().nextBytes(nonceBytes);
            String nonce = b64url.encodeToString(nonceBytes);
            String time = Long.toString(System.currentTimeMillis() / 1000);
            String credentials = Base64.getEncoder().encodeToString(("alice:" + PASSWORD + ":" + M1).getBytes(StandardCharsets.UTF_8));
            String origin = "http://127.0.0.1:" + server.web.port();
            String signed = "seek-auth-proof-v2\nGET " + origin + "/check\n" + time + "\n" + nonce + "\n" + key + "\n" + credentials;
            var signer = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(pair.getPrivate());
            signer.update(signed.getBytes(StandardCharsets.UTF_8));
            String header = String.join(".", credentials, key, time, nonce, b64url.encodeToString(signer.sign()));

            var response = server.get(server.check, header);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"new\"}", response.body());
            assertEquals(key, server.store.findUser("alice").orElseThrow().deviceKey());
        }
    }
}
