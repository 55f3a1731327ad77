import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 3, step 3, over real HTTP with the production policy. */
class ThrottlingTest {

    static final String M1 = "c3".repeat(32);
    static final String M2 = "d4".repeat(32);
    static final String PASSWORD = "throttle-Pa55";

    @TempDir Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(dir.resolve("t.db"));
        server.addUser("alice", PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void afterRepeatedFailuresEvenTheRightPasswordGets429UntilRetryAfter() throws Exception {
        for (int i = 0; i < 6; i++) assertEquals(401, server.check("alice", "wrong-" + i, M1).statusCode());

        var throttled = server.check("alice", PASSWORD, M1);
        assertEquals(429, throttled.statusCode());
        assertEquals(Optional.of("1"), throttled.headers().firstValue("Retry-After"));
        assertEquals("{\"type\": \"about:blank\", \"title\": \"Too Many Requests\", \"status\": 429, "
                + "\"code\": \"TOO_MANY_ATTEMPTS\", \"detail\": \"Too many failed attempts; retry after 1 seconds.\"}", throttled.body());
        assertEquals(429, server.check("Alice", PASSWORD, M1).statusCode(), "the username counts in its canonical form");

        Thread.sleep(1100);
        assertEquals(200, server.check("alice", PASSWORD, M1).statusCode(), "allowed again after Retry-After");
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
