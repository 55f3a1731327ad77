import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of contract section 2's decision table, over real HTTP against a real server. */
class AuthServerTest {

    static final String M1 = "a1".repeat(32);
    static final String M2 = "b2".repeat(32);
    static final String ALICE_PASSWORD = "alice-Pa55:word";
    static final String BOB_PASSWORD = "bob-secret-Pa55";

    /** Stopped after each test, which fails if a log line showed a password, a header value or a whole machine ID. */
    @RegisterExtension final TestServer server = TestServer.inTempDir().withUser("alice", ALICE_PASSWORD).withUser("bob", BOB_PASSWORD);

    static void assertProblem(HttpResponse<String> response, int status, String title, String code, String detail) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(Optional.of("application/problem+json"), response.headers().firstValue("Content-Type"));
        assertEquals("{\"type\": \"about:blank\", \"title\": \"" + title + "\", \"status\": " + status
                + ", \"code\": \"" + code + "\", \"detail\": \"" + detail + "\"}", response.body());
    }

    static void assertOk(HttpResponse<String> response, String username, String binding) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Optional.of("application/json"), response.headers().firstValue("Content-Type"));
        assertEquals("{\"status\": \"OK\", \"username\": \"" + username + "\", \"binding\": \"" + binding + "\"}", response.body());
    }

    static void assertChallenge(HttpResponse<String> response) {
        assertEquals(Optional.of("SEEK_CUSTOM_AUTH realm=\"check\""), response.headers().firstValue("WWW-Authenticate"));
    }

    @Test
    void missingHeaderIs401() {
        var response = server.get(server.check);
        assertProblem(response, 401, "Unauthorized", "MISSING_HEADER", "The SEEK_CUSTOM_AUTH header is missing.");
        assertChallenge(response);
    }

    @Test
    void malformedHeaderIs400NamingTheRule() {
        var response = server.get(server.check, "not base64!");
        assertProblem(response, 400, "Bad Request", "MALFORMED_HEADER", "header value is not base64 (RFC 4648 standard alphabet, with padding)");
        assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty());
        var badId = server.check("alice", ALICE_PASSWORD, "XYZ");
        assertProblem(badId, 400, "Bad Request", "MALFORMED_HEADER", "machine-id must be exactly 64 lower-case hex characters");
        assertFalse(badId.body().contains(ALICE_PASSWORD));
    }

    @Test
    void twoHeadersAreMalformed() {
        String value = HeaderCodec.encode("alice", ALICE_PASSWORD, M1);
        assertProblem(server.get(server.check, value, value), 400, "Bad Request", "MALFORMED_HEADER", "more than one SEEK_CUSTOM_AUTH header");
    }

    @Test
    void headerNameIsCaseInsensitive() {
        var request = HttpRequest.newBuilder(server.check).header("seek_custom_auth", HeaderCodec.encode("alice", ALICE_PASSWORD, M1)).build();
        assertOk(server.send(request), "alice", "new");
    }

    @Test
    void headerOverLimitIs400() {
        String plain = "alice:" + "p".repeat(3100) + ":" + M1;
        String value = Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        assertProblem(server.get(server.check, value), 400, "Bad Request", "MALFORMED_HEADER", "header value is longer than 4096 bytes");
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSame() {
        var unknown = server.check("mallory", "wrong-password", M1);
        var wrong = server.check("alice", "wrong-password", M1);
        assertProblem(unknown, 401, "Unauthorized", "INVALID_CREDENTIALS", "The username or password is incorrect.");
        assertProblem(wrong, 401, "Unauthorized", "INVALID_CREDENTIALS", "The username or password is incorrect.");
        assertChallenge(unknown);
        assertEquals(withoutDate(unknown.headers().map()), withoutDate(wrong.headers().map()));
    }

    static java.util.Map<String, List<String>> withoutDate(java.util.Map<String, List<String>> headers) {
        var copy = new java.util.TreeMap<>(headers);
        copy.remove("date");
        return copy;
    }

    @Test
    void firstLoginBindsThenTheBindingHolds() {
        assertOk(server.check("alice", ALICE_PASSWORD, M1), "alice", "new");
        assertOk(server.check("alice", ALICE_PASSWORD, M1), "alice", "existing");
        assertOk(server.check("ALICE", ALICE_PASSWORD, M1), "alice", "existing");
        var user = server.store.findUser("alice").orElseThrow();
        assertEquals(M1, user.machineId());
        assertNotNull(user.lastCheckAt());
    }

    @Test
    void userBoundElsewhereIs403() {
        server.check("alice", ALICE_PASSWORD, M1);
        assertProblem(server.check("alice", ALICE_PASSWORD, M2), 403, "Forbidden", "USER_BOUND_TO_OTHER_MACHINE",
                "This account is bound to another computer.");
    }

    @Test
    void machineBoundToAnotherUserIs403() {
        server.check("alice", ALICE_PASSWORD, M1);
        assertProblem(server.check("bob", BOB_PASSWORD, M1), 403, "Forbidden", "MACHINE_BOUND_TO_OTHER_USER",
                "This computer is bound to another account.");
        assertFalse(server.store.findUser("bob").orElseThrow().isBound());
    }

    @Test
    void wrongPasswordNeverRevealsTheBinding() {
        server.check("alice", ALICE_PASSWORD, M1);
        assertProblem(server.check("alice", "wrong-password", M2), 401, "Unauthorized", "INVALID_CREDENTIALS",
                "The username or password is incorrect.");
        assertProblem(server.check("bob", "wrong-password", M1), 401, "Unauthorized", "INVALID_CREDENTIALS",
                "The username or password is incorrect.");
    }

    @Test
    void passwordIsComparedInNfc() {
        server.addUser("carol", "caf\u00e9-latte");
        assertOk(server.check("carol", "cafe\u0301-latte", M1), "carol", "new");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "HEAD"})
    void otherMethodsAre405(String method) {
        var request = HttpRequest.newBuilder(server.check).method(method, HttpRequest.BodyPublishers.noBody()).build();
        var response = server.send(request);
        assertEquals(405, response.statusCode());
        assertEquals(Optional.of("GET"), response.headers().firstValue("Allow"));
        if (!method.equals("HEAD")) {
            assertProblem(response, 405, "Method Not Allowed", "METHOD_NOT_ALLOWED", "Only GET is allowed on /check.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/checks", "/check/x", "/admin"})
    void otherPathsAre404(String path) {
        var response = server.get(server.check.resolve(path), HeaderCodec.encode("alice", ALICE_PASSWORD, M1));
        assertProblem(response, 404, "Not Found", "NOT_FOUND", "There is nothing at this path; the only endpoint is GET /check.");
    }

    @Test
    void weakHashIsReplacedOnTheNextSuccess() {
        String weak = new PasswordHasher(15360, 2, 1).hash("weak-hash-pw");
        server.store.addUser("dave", weak);
        assertOk(server.check("dave", "weak-hash-pw", M1), "dave", "new");
        String now = server.store.findUser("dave").orElseThrow().passwordHash();
        assertTrue(now.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), now);
        assertOk(server.check("dave", "weak-hash-pw", M1), "dave", "existing");
    }

    @Test
    void logsOneLinePerDecisionWithAShortMachineId() {
        server.check("alice", ALICE_PASSWORD, M1);
        server.check("bob", "wrong-password", M2);
        server.get(server.check);
        var decisions = server.logLines().stream().filter(l -> l.startsWith("seek-auth.check: decision=")).toList();
        assertEquals(List.of(
                "seek-auth.check: decision=OK binding=new user=alice machine=a1a1a1a1 addr=127.0.0.1",
                "seek-auth.check: decision=INVALID_CREDENTIALS user=bob machine=b2b2b2b2 addr=127.0.0.1",
                "seek-auth.check: decision=MISSING_HEADER addr=127.0.0.1"), decisions);
    }

    @Test
    void plainHttpIsWarnedAboutOnlyBeyondLoopback() {
        assertTrue(AuthServer.plainHttpWarning("0.0.0.0", false).orElseThrow().startsWith("listening on 0.0.0.0 without TLS"));
        assertEquals(Optional.empty(), AuthServer.plainHttpWarning("127.0.0.1", false));
        assertEquals(Optional.empty(), AuthServer.plainHttpWarning("::1", false));
        assertEquals(Optional.empty(), AuthServer.plainHttpWarning("0.0.0.0", true), "TLS: nothing to warn about");
    }

    @Test
    void bindingsSurviveARestart() {
        server.check("alice", ALICE_PASSWORD, M1);
        server.close();
        try (var restarted = new TestServer(server.dbFile())) {
            assertOk(restarted.check("alice", ALICE_PASSWORD, M1), "alice", "existing");
            assertEquals(403, restarted.check("alice", ALICE_PASSWORD, M2).statusCode());
        }
    }

    // Device proofs over HTTP (contract section 8).

    static final java.security.KeyPair KEY = DeviceKeys.generate();
    static final java.security.KeyPair OTHER_KEY = DeviceKeys.generate();

    @Test
    void aSignedFirstLoginBindsAndASecondSignedLoginIsExisting() {
        assertOk(server.checkSigned("alice", ALICE_PASSWORD, M1, KEY), "alice", "new");
        assertOk(server.checkSigned("alice", ALICE_PASSWORD, M1, KEY), "alice", "existing");
        assertEquals(DeviceKeys.base64url(DeviceKeys.point(KEY.getPublic())), server.store.findUser("alice").orElseThrow().deviceKey());
    }

    @Test
    void everyAnswerCarriesADateHeader() {
        for (var response : List.of(server.get(server.check), server.checkSigned("alice", ALICE_PASSWORD, M1, KEY),
                server.get(server.check.resolve("/other")))) {
            var date = response.headers().firstValue("Date").orElseThrow(() -> new AssertionError("no Date header"));
            var parsed = java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
            assertTrue(Math.abs(parsed.toEpochSecond() - java.time.Instant.now().getEpochSecond()) < 30, date);
        }
    }

    @Test
    void aStaleProofIs401InvalidProofSayingHowFarOff() {
        String header = DeviceProof.signedHeader(HeaderCodec.encode("alice", ALICE_PASSWORD, M1), server.origin(), KEY,
                java.time.Instant.now().minusSeconds(3600));
        var response = server.get(server.check, header);
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"code\": \"INVALID_PROOF\", \"detail\": \"the proof's time is 36"), response.body());
        assertTrue(response.body().contains(" s behind the server's clock"), response.body());
        assertChallenge(response);
        assertFalse(server.store.findUser("alice").orElseThrow().isBound());
    }

    @Test
    void aReplayedHeaderIs401ProofReplayed() {
        String header = server.signedHeader("alice", ALICE_PASSWORD, M1, KEY);
        assertOk(server.get(server.check, header), "alice", "new");
        var replay = server.get(server.check, header);
        assertProblem(replay, 401, "Unauthorized", "PROOF_REPLAYED", "This signed header was used before; each one is good for one request.");
        assertChallenge(replay);
    }

    @Test
    void anotherKeyOnTheBoundMachineIs403AndAnUnsignedHeaderIs401ProofRequired() {
        assertOk(server.checkSigned("alice", ALICE_PASSWORD, M1, KEY), "alice", "new");
        assertProblem(server.checkSigned("alice", ALICE_PASSWORD, M1, OTHER_KEY), 403, "Forbidden", "DEVICE_KEY_MISMATCH",
                "This account is bound to this computer with another device key.");
        var downgrade = server.check("alice", ALICE_PASSWORD, M1);
        assertProblem(downgrade, 401, "Unauthorized", "PROOF_REQUIRED",
                "This account's binding has a device key: the header must be signed by it (version 2).");
        assertChallenge(downgrade);
    }

    @Test
    void aMalformedSignedHeaderIs400NamingThePart() {
        String header = server.signedHeader("alice", ALICE_PASSWORD, M1, KEY);
        String badTime = header.replaceFirst("\\.(\\d+)\\.", ".0$1.");
        assertProblem(server.get(server.check, badTime), 400, "Bad Request", "MALFORMED_HEADER",
                "time part must be Unix seconds: decimal digits, no leading zero");
    }

    @Test
    void aServerThatRequiresProofsRefusesVersion1ForEveryoneWithoutHashing() {
        try (var strict = new TestServer(SeekAuthServer.Settings.onLoopback(server.dbFile().toString())
                .withRules(CheckRules.DEFAULT.withRequireProof(true)))) {
            for (String user : List.of("alice", "nobody")) {
                var response = strict.check(user, ALICE_PASSWORD, M1);
                assertProblem(response, 401, "Unauthorized", "PROOF_REQUIRED",
                        "This server requires a header signed by the device key (version 2); use the seek-auth client.");
                assertChallenge(response);
            }
            assertOk(strict.checkSigned("alice", ALICE_PASSWORD, M1, KEY), "alice", "new");
            assertTrue(strict.logLines().stream().noneMatch(line -> line.contains("INVALID_CREDENTIALS")), "no verdict on any password");
        }
    }

    @Test
    void sixteenConcurrentCopiesOfOneFreshHeaderGiveExactlyOneVerifiedAnswer() throws Exception {
        String header = server.signedHeader("alice", ALICE_PASSWORD, M1, KEY);
        var tasks = new java.util.ArrayList<java.util.concurrent.Callable<HttpResponse<String>>>();
        for (int i = 0; i < 16; i++) tasks.add(() -> server.get(server.check, header));
        var codes = new java.util.ArrayList<String>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            for (var f : pool.invokeAll(tasks)) {
                var r = f.get();
                codes.add(r.statusCode() == 200 ? "OK" : r.body().replaceAll(".*\"code\": \"([A-Z_]+)\".*", "$1"));
            }
        }
        assertEquals(1, codes.stream().filter("OK"::equals).count(), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c.equals("OK") || c.equals("PROOF_REPLAYED") || c.equals("TOO_MANY_ATTEMPTS")), codes.toString());
        assertTrue(codes.contains("PROOF_REPLAYED"), "some copies reached the nonce: " + codes);
        assertEquals(1, server.logLines().stream().filter(line -> line.contains("decision=OK")).count(), "one verified decision");
    }
}
