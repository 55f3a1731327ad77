import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin CLI as a process on the store a running server uses: each change shows on the server's next answer. */
class AdminWhileServerRunsTest {

    static final String M1 = "f1".repeat(32);
    static final String M2 = "f2".repeat(32);
    static final String FIRST = "first-Pa55word";
    static final String SECOND = "second-Pa55word";

    /** Its budgets run on a clock that stands still: only an unlock can end a wait. */
    @RegisterExtension final TestServer server = TestServer.inTempDir(settings -> settings.withClock(new TestClock()));
    final Path db = server.dbFile();

    Processes.Result useradmin(String stdin, String... args) {
        var command = new java.util.ArrayList<String>(List.of("useradmin.java"));
        command.addAll(List.of(args));
        var result = Processes.run(Processes.jbang(Map.of("SEEK_DB", db.toString()), command.toArray(String[]::new)), stdin, 120);
        assertEquals(0, result.exitCode(), result.stderr());
        return result;
    }

    @Test
    void unlockLiftsALockoutOnTheNextRequest() {
        useradmin(FIRST + "\n", "add", "alice");
        for (int i = 0; i < 5; i++) assertEquals(401, server.check("alice", "guess-" + i, M1).statusCode());
        assertEquals(429, server.check("alice", FIRST, M1).statusCode());
        assertEquals("unlocked alice: its failure counters are cleared\n", useradmin("", "unlock", "alice").stdout());
        assertEquals(200, server.check("alice", FIRST, M1).statusCode());
    }

    @Test
    void addPasswdUnbindAndDeleteTakeEffectOnTheNextRequest() {
        useradmin(FIRST + "\n", "add", "alice");
        assertEquals(200, server.check("alice", FIRST, M1).statusCode());

        useradmin(SECOND + "\n", "passwd", "alice");
        assertEquals(401, server.check("alice", FIRST, M1).statusCode());
        var afterPasswd = server.check("alice", SECOND, M1);
        assertEquals(200, afterPasswd.statusCode());
        assertTrue(afterPasswd.body().contains("\"binding\": \"existing\""), "the binding stayed");

        assertEquals(403, server.check("alice", SECOND, M2).statusCode());
        useradmin("", "unbind", "alice");
        var afterUnbind = server.check("alice", SECOND, M2);
        assertEquals(200, afterUnbind.statusCode());
        assertTrue(afterUnbind.body().contains("\"binding\": \"new\""), "a replaced computer binds anew");

        useradmin("", "delete", "alice");
        assertEquals(401, server.check("alice", SECOND, M2).statusCode());
    }

    @Test
    void concurrentWritesFromServerAndCliLoseNothing() throws Exception {
        server.addUser("busy", FIRST);
        var stop = new AtomicBoolean();
        var served = new AtomicInteger();
        var unexpected = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        // Every successful check writes last_check_at while the CLI adds users.
        Thread load = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                var r = server.check("busy", FIRST, M1);
                if (r.statusCode() == 200) served.incrementAndGet();
                else unexpected.add(r.statusCode() + " " + r.body());
            }
        });
        try {
            for (String user : List.of("one", "two", "three")) useradmin(FIRST + "\n", "add", user);
        } finally {
            stop.set(true);
            load.join(30_000);
        }
        assertEquals(List.of(), List.copyOf(unexpected));
        assertTrue(served.get() > 0);
        assertEquals(List.of("busy", "one", "three", "two"), server.store.listUsers().stream().map(Store.User::username).toList());
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            assertTrue(rs.next());
            assertEquals("ok", rs.getString(1));
        }
    }
}
