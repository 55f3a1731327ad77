import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** contract section 7: cheap answers are summarised, verified decisions are logged one by one. */
class DecisionLogTest {

    final TestClock clock = new TestClock();
    final List<String> lines = new ArrayList<>();
    final DecisionLog log = new DecisionLog(clock, lines::add);

    @Test
    void aKindOfCheapAnswerIsOneLinePerWindowThenACount() {
        for (int i = 0; i < 1000; i++) { int n = i; log.cheap("MALFORMED_HEADER", () -> "malformed " + n); };
        log.cheap("MISSING_HEADER", () -> "missing 0");
        assertEquals(List.of("malformed 0", "missing 0"), lines, "the first of each kind as it is");

        clock.advance(Duration.ofSeconds(9));
        log.flush();
        assertEquals(2, lines.size(), "the window is not over yet");
        clock.advance(Duration.ofSeconds(1));
        log.flush();
        assertEquals(List.of("malformed 0", "missing 0",
                "decision=MALFORMED_HEADER repeated 999 more times within 10 s (not logged one by one)"), lines);
        log.flush();
        assertEquals(3, lines.size(), "nothing held back any more, nothing more said");
    }

    @Test
    void aNewWindowOpensWithItsFirstLineAfterTheCountOfTheLast() {
        log.cheap("TOO_MANY_ATTEMPTS", () -> "first");
        log.cheap("TOO_MANY_ATTEMPTS", () -> "second");
        clock.advance(Duration.ofSeconds(11));
        log.cheap("TOO_MANY_ATTEMPTS", () -> "third");
        assertEquals(List.of("first", "decision=TOO_MANY_ATTEMPTS repeated 1 more time within 10 s (not logged one by one)", "third"), lines);
    }

    @Test
    void everyVerifiedDecisionIsItsOwnLine() {
        for (int i = 0; i < 50; i++) log.verified("verified " + i);
        assertEquals(50, lines.size());
    }

    @Test
    void closingSaysEveryCountAtOnceAndLeavesTheTimer() {
        log.cheap("MALFORMED_HEADER", () -> "first");
        log.cheap("MALFORMED_HEADER", () -> "second");
        clock.advance(Duration.ofSeconds(3));
        log.close();
        assertEquals(List.of("first", "decision=MALFORMED_HEADER repeated 1 more time within 10 s (not logged one by one)"), lines,
                "a window not over yet is counted when the server stops");
        clock.advance(Duration.ofSeconds(20));
        log.flush();
        assertEquals(2, lines.size(), "nothing is said twice");

        var live = DecisionLog.toSystemLog();
        assertTrue(live.onTimer());
        live.close();
        assertFalse(live.onTimer(), "a closed log is not written to by the timer");
    }

    @TempDir java.nio.file.Path dir;

    @Test
    void fiveThousandMalformedRequestsLeaveAShortLog() throws Exception {
        try (var server = new TestServer(dir.resolve("flood.db"))) {
            var requests = new ArrayList<Callable<Integer>>();
            for (int t = 0; t < 8; t++) {
                requests.add(() -> {
                    for (int i = 0; i < 625; i++) assertEquals(400, server.get(server.check, "not base64!").statusCode());
                    return 625;
                });
            }
            try (var pool = Executors.newFixedThreadPool(8)) {
                for (var f : pool.invokeAll(requests)) f.get();
            }
            server.addUser("alice", "flood-Pa55word");
            assertEquals(401, server.check("alice", "wrong-password", "ab".repeat(32)).statusCode());
            var decisions = server.logLines().stream().filter(l -> l.contains("decision=")).toList();
            assertTrue(decisions.size() <= 4, decisions.size() + " lines: " + decisions);
            assertTrue(decisions.getFirst().contains("decision=MALFORMED_HEADER detail="), decisions.getFirst());
            assertTrue(decisions.getLast().contains("decision=INVALID_CREDENTIALS user=alice"), "the verified decision has its line");
        }
    }

    @Test
    void aStoppingServerLogsTheCountsItHeldBack() {
        var server = new TestServer(dir.resolve("stop.db"));
        try {
            for (int i = 0; i < 3; i++) assertEquals(400, server.get(server.check, "not base64!").statusCode());
        } finally {
            server.close();
        }
        var decisions = server.logLines().stream().filter(l -> l.contains("decision=")).toList();
        assertEquals(2, decisions.size(), decisions.toString());
        assertTrue(decisions.getLast().endsWith("decision=MALFORMED_HEADER repeated 2 more times within 10 s (not logged one by one)"),
                decisions.getLast());
    }
}
