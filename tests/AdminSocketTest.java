import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health and metrics on the admin socket (contract section 12), against a real server, and nothing of them on the public one. */
class AdminSocketTest {

    static final String PASSWORD = "observed-Pa55";
    static final String M1 = "4d".repeat(32);
    static final Pattern SAMPLE = Pattern.compile("^(seek_[a-z0-9_]+)(\\{[^}]*\\})? ([0-9.eE+-]+)$");

    @RegisterExtension final TestServer server = TestServer.inTempDir(settings -> settings.withAdmin(new AdminSocket("127.0.0.1", 0)))
            .withUser("alice", PASSWORD);

    HttpResponse<String> admin(String path) {
        return server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** Every seek_ sample of /observe/metrics, by its name and labels (the scope label left out). */
    Map<String, Double> metrics() {
        var response = admin("/observe/metrics");
        assertEquals(200, response.statusCode());
        var samples = new HashMap<String, Double>();
        for (String line : response.body().lines().toList()) {
            var m = SAMPLE.matcher(line);
            if (!m.matches()) continue;
            String labels = m.group(2) == null ? "" : m.group(2).replace("scope=\"application\",", "");
            samples.put(m.group(1) + (labels.equals("{}") ? "" : labels), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        var moved = new java.util.TreeMap<String, Double>();
        after.forEach((name, value) -> {
            double change = value - before.getOrDefault(name, 0.0);
            if (change != 0 && !name.contains("seek_hash_duration") && !name.startsWith("seek_hashes_")) moved.put(name, change);
        });
        return moved;
    }

    @Test
    void liveAndReadyAre200AndThePublicPortServesNoneOfIt() {
        assertEquals(200, admin("/observe/health/live").statusCode());
        var ready = admin("/observe/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"name\":\"store\",\"status\":\"UP\""), ready.body());
        for (String path : List.of("/observe/health/live", "/observe/health/ready", "/observe/metrics", "/observe")) {
            var onPublic = server.get(server.check.resolve(path));
            assertEquals(404, onPublic.statusCode(), path);
            assertTrue(onPublic.body().contains("\"code\": \"NOT_FOUND\""), onPublic.body());
        }
        assertEquals(404, admin("/check").statusCode(), "and the admin port serves no logins");
    }

    @Test
    void eachAnswerMovesExactlyItsCountersAndNoNameOrAddressAppears() {
        var key = DeviceKeys.generate();
        var before = metrics();

        assertEquals(200, server.checkSigned("alice", PASSWORD, M1, key).statusCode());
        var ok = delta(before, metrics());
        assertEquals(Map.of("seek_decisions_total{code=\"OK\",}", 1.0), ok);

        String captured = server.signedHeader("alice", PASSWORD, M1, key);
        server.get(server.check, captured);
        var before2 = metrics();
        assertEquals(401, server.get(server.check, captured).statusCode());
        assertEquals(Map.of("seek_decisions_total{code=\"PROOF_REPLAYED\",}", 1.0, "seek_proof_replays_refused_total", 1.0),
                delta(before2, metrics()));

        var before3 = metrics();
        assertEquals(400, server.get(server.check, "not base64!").statusCode());
        assertEquals(Map.of("seek_decisions_total{code=\"MALFORMED_HEADER\",}", 1.0), delta(before3, metrics()));

        var before4 = metrics();
        for (int i = 0; i < 5; i++) assertEquals(401, server.check("bob", "wrong-Pa55word", M1).statusCode());
        assertEquals(429, server.check("bob", "wrong-Pa55word", M1).statusCode());
        assertEquals(Map.of("seek_decisions_total{code=\"INVALID_CREDENTIALS\",}", 5.0, "seek_decisions_total{code=\"TOO_MANY_ATTEMPTS\",}", 1.0,
                "seek_throttled_total{key=\"account\",}", 1.0), delta(before4, metrics()));

        var after = metrics();
        assertTrue(after.get("seek_hash_duration_seconds_count") >= 6, "every verify is timed: " + after);
        assertEquals(1.0, after.get("seek_argon2_engine{engine=\"" + TestServer.HASHER.engineName() + "\",}"), after.toString());
        assertEquals(0.0, after.get("seek_hashes_running"));
        assertEquals(0.0, after.get("seek_hashes_queued"));

        String text = admin("/observe/metrics").body();
        for (String secret : List.of("alice", "bob", M1, M1.substring(0, 8), "127.0.0.1", DeviceKeys.fingerprint(DeviceKeys.point(key.getPublic())))) {
            assertFalse(text.contains(secret), "the metrics show " + secret);
        }
    }

    /** Ready follows the store: the test run's own PostgreSQL, stopped and started under the server. */
    @Test
    void readyGoesDownWithinSecondsOfLosingTheStoreAndComesBackWithIt() throws Exception {
        try (var cluster = PostgresCluster.startNew();
             var onPostgres = new TestServer(SeekAuthServer.Settings.onLoopback(cluster.newDatabase()).withAdmin(new AdminSocket("127.0.0.1", 0)))) {
            var ready = URI.create("http://127.0.0.1:" + onPostgres.adminPort() + "/observe/health/ready");
            assertEquals(200, status(onPostgres, ready));
            cluster.stop();
            long stopped = System.nanoTime();
            while (status(onPostgres, ready) == 200) {
                assertTrue(System.nanoTime() - stopped < 5_000_000_000L, "still ready 5 s after the store went away");
                Thread.sleep(100);
            }
            assertEquals(503, status(onPostgres, ready));
            cluster.start();
            long started = System.nanoTime();
            while (status(onPostgres, ready) != 200) {
                assertTrue(System.nanoTime() - started < 15_000_000_000L, "not ready 15 s after the store came back");
                Thread.sleep(200);
            }
        }
    }

    static int status(TestServer server, URI uri) {
        return server.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build()).statusCode();
    }
}
