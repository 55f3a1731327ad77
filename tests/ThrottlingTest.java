import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** contract section 2, step 3, over real HTTP with the production budgets on a clock the test moves. */
class ThrottlingTest {

    static final String M1 = "c3".repeat(32);
    static final String M2 = "d4".repeat(32);
    static final String PASSWORD = "throttle-Pa55";

    @TempDir Path dir;
    final TestClock clock = new TestClock();
    @RegisterExtension final TestServer server = TestServer.inTempDir(settings -> settings.withClock(clock)).withUser("alice", PASSWORD);

    @Test
    void afterFiveFailuresEvenTheRightPasswordGets429UntilRetryAfter() {
        for (int i = 0; i < 5; i++) assertEquals(401, server.check("alice", "wrong-" + i, M1).statusCode());

        var throttled = server.check("alice", PASSWORD, M1);
        assertEquals(429, throttled.statusCode());
        assertEquals(Optional.of("1"), throttled.headers().firstValue("Retry-After"));
        assertEquals("{\"type\": \"about:blank\", \"title\": \"Too Many Requests\", \"status\": 429, "
                + "\"code\": \"TOO_MANY_ATTEMPTS\", \"detail\": \"Too many failed attempts; retry after 1 seconds.\"}", throttled.body());
        assertEquals(429, server.check("Alice", PASSWORD, M1).statusCode(), "the username counts in its canonical form");

        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, server.check("alice", PASSWORD, M1).statusCode(), "allowed again after Retry-After");
    }

    @Test
    void aStrangerGuessingCannotLockTheOwnerOutOfHerBoundMachine() {
        assertEquals(200, server.check("alice", PASSWORD, M1).statusCode());
        for (int i = 0; i < 5; i++) assertEquals(401, server.check("alice", "stranger-" + i, M2).statusCode());
        assertEquals(429, server.check("alice", "stranger-5", M2).statusCode(), "the stranger is throttled");
        assertEquals(200, server.check("alice", PASSWORD, M1).statusCode(), "alice on her own machine is not");
    }

    @Test
    void fortyConcurrentWrongGuessesFromDistinctAddressesVerifyAtMostFive() throws Exception {
        try (var proxied = TestServer.trustingLoopbackProxy(dir.resolve("c.db").toString())) {
            proxied.addUser("bob", PASSWORD);
            var requests = new java.util.ArrayList<java.util.concurrent.Callable<java.net.http.HttpResponse<String>>>();
            for (int i = 0; i < 40; i++) {
                String address = "192.0.2." + (i + 1);
                String guess = "guess-" + i;
                requests.add(() -> proxied.checkFrom(address, "bob", guess, M2));
            }
            var statuses = new java.util.ArrayList<Integer>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(40)) {
                for (var f : pool.invokeAll(requests)) statuses.add(f.get().statusCode());
            }
            long unauthorized = statuses.stream().filter(s -> s == 401).count();
            assertTrue(unauthorized <= 5, unauthorized + " wrong guesses were verified: " + statuses);
            assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 429), statuses.toString());
        }
    }

    @Test
    void forbiddenAnswersAreNotGuessesAndDoNotCount() {
        server.check("alice", PASSWORD, M1);
        for (int i = 0; i < 25; i++) assertEquals(403, server.check("alice", PASSWORD, M2).statusCode());
        assertEquals(200, server.check("alice", PASSWORD, M1).statusCode());
    }

    @Test
    void malformedHeadersDoNotCount() {
        for (int i = 0; i < 25; i++) assertEquals(400, server.get(server.check, "bad header " + i).statusCode());
        assertEquals(200, server.check("alice", PASSWORD, M1).statusCode());
    }
}
