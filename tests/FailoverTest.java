import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A database failover (contract section 11): a real primary and a real streaming standby, two
 * server instances on the driver's multi-host URL under a steady stream of first bindings and
 * logins; the primary crashes, the standby is promoted. The instances answer 200 or 503
 * meanwhile, never hang, work again without a restart, and, with synchronous replication, keep
 * every binding and password change they answered.
 */
class FailoverTest {

    static final String PASSWORD = "failover-Pa55";
    static final String NEW_PASSWORD = "failover-New-Pa55";
    static final int USERS = 2000;
    static final int LOAD_THREADS = 6;

    /** One answer: which instance, for whom, what, how long it took, and when it came (ms after the load began). */
    record Answer(int instance, int user, int status, boolean newBinding, long millis, long at) {}

    /** What a failover run saw. */
    record Run(String url, List<Answer> answers, long crashAt, long promotedAt, List<String> boundOnPromoted, long pwdChangeOk,
               TestServer[] instances) {}

    static String machine(int user) {
        return String.format("%064x", 0xfa11_0000L + user);
    }

    @Test
    void withASynchronousStandbyEveryAnsweredBindingAndPasswordSurvives() throws Exception {
        failoverWith(true, run -> {
            assertRidesThrough(run);
            var lost = lostBindings(run);
            report("synchronous", run, answeredBindings(run).size(), lost.size());
            assertEquals(List.of(), lost, "every binding answered 200 is on the promoted database");
            assertPasswordChangeHeld(run);
        });
    }

    /** The same with asynchronous replication: what it can lose is reported, as a figure, not asserted. */
    @Test
    void withAnAsynchronousStandbyTheInstancesRideThroughAndTheLossIsReported() throws Exception {
        failoverWith(false, run -> {
            assertRidesThrough(run);
            report("asynchronous", run, answeredBindings(run).size(), lostBindings(run).size());
        });
    }

    interface Check {
        void on(Run run) throws Exception;
    }

    /** A primary and a streaming standby (synchronous or not), a failover under load, then the checks; everything stopped after. */
    static void failoverWith(boolean synchronous, Check check) throws Exception {
        try (var primary = PostgresCluster.startNew()) {
            primary.sql("postgres", "CREATE DATABASE seek_failover");
            try (var standby = primary.startStandby("standby1")) {
                if (synchronous) primary.requireSynchronous("standby1");
                else primary.waitForReplication("async");
                var run = failover(primary, standby);
                try {
                    check.on(run);
                } finally {
                    for (var instance : run.instances()) instance.close();
                }
            }
        }
    }

    /** The users whose binding was answered 200 but is not on the promoted database. */
    static List<Integer> lostBindings(Run run) {
        return answeredBindings(run).stream().filter(user -> !run.boundOnPromoted().contains(machine(user))).toList();
    }

    static Run failover(PostgresCluster primary, PostgresCluster standby) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + primary.port + ",127.0.0.1:" + standby.port
                + "/seek_failover?user=seek&targetServerType=primary";
        var instances = new TestServer[] {new TestServer(url), new TestServer(url)};
        String hash = TestServer.HASHER.hash(PASSWORD);
        for (int user = 0; user < USERS; user++) assertTrue(instances[0].store.addUser("user" + user, hash));
        assertTrue(instances[0].store.addUser("changed", hash));

        var answers = new ConcurrentLinkedQueue<Answer>();
        var next = new AtomicInteger();
        var stop = new AtomicBoolean();
        long began = System.nanoTime();
        ExecutorService load = Executors.newFixedThreadPool(LOAD_THREADS);
        for (int t = 0; t < LOAD_THREADS; t++) {
            int instance = t % 2;
            load.submit(() -> {
                while (!stop.get()) {
                    int user = next.getAndIncrement();
                    if (user >= USERS) return null;
                    // Every third request logs in a user bound earlier; the rest are first bindings.
                    int who = user % 3 == 2 && user > 30 ? user - 30 : user;
                    var server = instances[instance];
                    long start = System.nanoTime();
                    HttpResponse<String> response = server.check("user" + who, PASSWORD, machine(who));
                    long end = System.nanoTime();
                    answers.add(new Answer(instance, who, response.statusCode(), response.body().contains("\"binding\": \"new\""),
                            (end - start) / 1_000_000, (end - began) / 1_000_000));
                }
                return null;
            });
        }
        Thread.sleep(2000);
        // A password changed just before the crash: the change was answered, so it must hold.
        long pwdChangeOk = instances[0].store.setPassword("changed", TestServer.HASHER.hash(NEW_PASSWORD)) ? 1 : 0;
        primary.stop();
        long crashAt = (System.nanoTime() - began) / 1_000_000;
        Thread.sleep(2000);
        standby.promote();
        long promotedAt = (System.nanoTime() - began) / 1_000_000;
        // Until both instances have answered 200 after the promotion (or 15 s), then a second more.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && !(okAfter(answers, 0, promotedAt) && okAfter(answers, 1, promotedAt))) Thread.sleep(50);
        Thread.sleep(1000);
        stop.set(true);
        load.shutdown();
        assertTrue(load.awaitTermination(40, TimeUnit.SECONDS), "the load stopped");

        String promotedUrl = standby.url("seek_failover") + "?user=seek";
        var bound = new ArrayList<String>();
        try (var connection = DriverManager.getConnection(promotedUrl);
             var rows = connection.createStatement().executeQuery("SELECT machine_id FROM users WHERE machine_id IS NOT NULL")) {
            while (rows.next()) bound.add(rows.getString(1));
        }
        return new Run(url, List.copyOf(answers), crashAt, promotedAt, bound, pwdChangeOk, instances);
    }

    static boolean okAfter(java.util.Collection<Answer> answers, int instance, long after) {
        return answers.stream().anyMatch(a -> a.instance() == instance && a.status() == 200 && a.at() - a.millis() >= after);
    }

    /** Every answer 200 or 503, none slower than 10 s, both instances at 200 again within 10 s of the promotion, no machine bound twice. */
    static void assertRidesThrough(Run run) {
        var statuses = run.answers().stream().map(Answer::status).distinct().sorted().toList();
        assertTrue(List.of(200, 503).containsAll(statuses), "answers meanwhile: " + statuses);
        assertTrue(run.answers().stream().anyMatch(a -> a.status() == 503), "the outage was seen");
        long slowest = run.answers().stream().mapToLong(Answer::millis).max().orElse(0);
        assertTrue(slowest <= 10_000, "the slowest answer took " + slowest + " ms");
        for (int instance = 0; instance < 2; instance++) {
            long back = firstOkAfterPromotion(run, instance);
            assertTrue(back <= 10_000, "instance " + instance + " answered 200 again " + back + " ms after the promotion");
        }
        var distinct = new java.util.HashSet<>(run.boundOnPromoted());
        assertEquals(distinct.size(), run.boundOnPromoted().size(), "no machine is bound twice");
    }

    /** When the instance's first request sent after the promotion and answered 200 came back, in ms after the promotion. */
    static long firstOkAfterPromotion(Run run, int instance) {
        return run.answers().stream()
                .filter(a -> a.instance() == instance && a.status() == 200 && a.at() - a.millis() >= run.promotedAt())
                .mapToLong(a -> a.at() - run.promotedAt()).min().orElse(Long.MAX_VALUE);
    }

    static List<Integer> answeredBindings(Run run) {
        return run.answers().stream().filter(a -> a.status() == 200 && a.newBinding()).map(Answer::user).distinct().toList();
    }

    static void assertPasswordChangeHeld(Run run) {
        assertEquals(1, run.pwdChangeOk(), "the password change was answered before the crash");
        var server = run.instances()[1];
        assertEquals(401, server.check("changed", PASSWORD, machine(USERS + 1)).statusCode(), "the old password no longer works");
        assertEquals(200, server.check("changed", NEW_PASSWORD, machine(USERS + 1)).statusCode(), "the new one does");

        // useradmin, on the same multi-host URL, finds the promoted primary too.
        String third = "failover-Third-Pa55";
        var err = new java.io.ByteArrayOutputStream();
        var oldOut = System.out;
        var oldErr = System.err;
        var oldIn = System.in;
        int exit;
        try {
            System.setOut(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
            System.setErr(new java.io.PrintStream(err, true));
            System.setIn(new java.io.ByteArrayInputStream((third + "\n").getBytes()));
            exit = Cli.execute(new useradmin(), new String[] {"--db", run.url(), "passwd", "changed", "--password-stdin"});
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
        assertEquals(0, exit, err.toString());
        assertEquals(200, server.check("changed", third, machine(USERS + 1)).statusCode(), "useradmin's change is in force");
    }

    /** The figures the README and the closing note quote: one line per run. */
    static void report(String replication, Run run, int answered, long lost) {
        long longestGap = 0;
        for (int instance = 0; instance < 2; instance++) {
            int i = instance;
            long lastOkBefore = run.answers().stream().filter(a -> a.instance() == i && a.status() == 200 && a.at() <= run.crashAt())
                    .mapToLong(Answer::at).max().orElse(0);
            long firstOkAfter = run.answers().stream().filter(a -> a.instance() == i && a.status() == 200 && a.at() > run.crashAt())
                    .mapToLong(Answer::at).min().orElse(lastOkBefore);
            longestGap = Math.max(longestGap, firstOkAfter - lastOkBefore);
        }
        Map<Integer, Long> byStatus = new HashMap<>();
        run.answers().forEach(a -> byStatus.merge(a.status(), 1L, Long::sum));
        System.out.printf("failover, %s standby: %d answers %s, %d bindings answered 200, %d lost; longest stretch without a 200 %.1f s"
                        + " (primary down %.1f s before the promotion); both instances at 200 again %.1f s and %.1f s after it%n",
                replication, run.answers().size(), byStatus, answered, lost, longestGap / 1000.0, (run.promotedAt() - run.crashAt()) / 1000.0,
                firstOkAfterPromotion(run, 0) / 1000.0, firstOkAfterPromotion(run, 1) / 1000.0);
    }
}
