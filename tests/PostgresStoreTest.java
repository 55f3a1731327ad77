import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL (contract section 4): migration, passwords, and a database lost and back. */
class PostgresStoreTest {

    static final String PASSWORD = "pg-user-Pa55word";
    static final String M1 = "a1".repeat(32);

    @Test
    void severalProgramsStartingAtOnceOnAnEmptyDatabaseAllMigrateIt() throws Exception {
        String url = PostgresCluster.shared().newDatabase();
        var opens = new ArrayList<Callable<Store>>();
        for (int i = 0; i < 8; i++) opens.add(() -> Store.open(url));
        var stores = new ArrayList<Store>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (var f : pool.invokeAll(opens)) stores.add(f.get());
        } finally {
            stores.forEach(Store::close);
        }
        assertEquals(8, stores.size());
        try (var store = Store.open(url)) {
            assertTrue(store.addUser("alice", "x"));
            assertEquals(0, store.countCounters());
        }
    }

    @Test
    void thePasswordFromTheEnvironmentWinsAndNoMessageShowsOne() {
        var cluster = PostgresCluster.shared();
        String database = cluster.newDatabase().replaceFirst("^.*/", "").replaceFirst("\\?.*$", "");
        String secured = cluster.url(database) + "?user=secured";

        try (var store = Store.open(secured + "&password=wrong-in-url", PostgresCluster.SECURED_PASSWORD)) {
            assertTrue(store.addUser("alice", "x"), "the password given apart wins over the URL's");
            assertEquals(secured + "&password=***", store.name());
        }
        try (var store = Store.open(secured + "&password=" + PostgresCluster.SECURED_PASSWORD)) {
            assertEquals(1, store.listUsers().size(), "a password in the URL alone is used");
        }
        var refused = assertThrows(Store.StoreException.class, () -> Store.open(secured + "&password=wrong-in-url"));
        assertTrue(refused.getMessage().startsWith("cannot open the store at " + secured + "&password=***: "), refused.getMessage());
        assertFalse(refused.getMessage().contains("wrong-in-url"), refused.getMessage());
    }

    /** A password with "${...}" in it, on a role that must give it (scram): it reaches the database as typed. */
    @Test
    void aPasswordWithDollarBracesIsSentAsGiven() {
        var cluster = PostgresCluster.shared();
        String database = cluster.newDatabase().replaceFirst("^.*/", "").replaceFirst("\\?.*$", "");
        String password = "a${db.source}b";
        cluster.sql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dollar') THEN "
                + "CREATE ROLE dollar LOGIN PASSWORD '" + password + "'; END IF; END $$");
        cluster.sql(database, "GRANT ALL ON SCHEMA public TO dollar");
        try (var store = Store.open(cluster.url(database) + "?user=dollar", password)) {
            assertTrue(store.addUser("alice", "x"));
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedAtStartIsOneClearError() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/seek?user=seek&password=s3cret";
        long start = System.nanoTime();
        var e = assertThrows(Store.StoreException.class, () -> Store.open(url));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "fails within 10 s");
        assertTrue(e.getMessage().startsWith("cannot open the store at jdbc:postgresql://127.0.0.1:" + port
                + "/seek?user=seek&password=***: "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void aLostDatabaseGives503AndTheSameServerRecoversWhenItIsBack() throws Exception {
        try (var cluster = PostgresCluster.startNew();
             var server = new TestServer(cluster.newDatabase())) {
            server.addUser("alice", PASSWORD);
            assertEquals(200, server.check("alice", PASSWORD, M1).statusCode());

            cluster.stop();
            long start = System.nanoTime();
            HttpResponse<String> lost = server.check("alice", PASSWORD, M1);
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertEquals(503, lost.statusCode(), lost.body());
            assertTrue(seconds < 10, "answered in " + seconds + " s");
            assertTrue(lost.body().contains("\"code\": \"SERVICE_UNAVAILABLE\""), lost.body());

            cluster.start();
            HttpResponse<String> back = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                back = server.check("alice", PASSWORD, M1);
                if (back.statusCode() == 200) break;
                Thread.sleep(200);
            }
            assertEquals(200, back.statusCode(), "answers normally within 10 s of the database's return: " + back.body());
            assertTrue(back.body().contains("\"binding\": \"existing\""));
            assertTrue(server.logLines().stream().noneMatch(line -> line.contains("\tat ")), "no stack trace in the log");
        }
    }

    /**
     * Sweeps beside attempts on the same counters: the attempts lock their rows in sorted order,
     * and the sweep, which meets rows in the table's order, must never wait for them in a way
     * that ends in a deadlock (which PostgreSQL breaks by failing one, a 503 to its client).
     */
    @Test
    void sweepsBesideAttemptsOnTheSameCountersNeverDeadlock() throws Exception {
        try (var store = Store.open(PostgresCluster.shared().newDatabase())) {
            var keys = new ArrayList<String>();
            for (int i = 0; i < 40; i++) keys.add(String.format("account:k%02d", i));
            // Forgotten long ago but not empty, so every sweep wants every row; written in reverse
            // order, so the table's order is the opposite of the attempts' sorted order.
            java.util.function.Function<java.util.List<String>, Void> keepForgotten = locked -> store.inTransaction(tx -> {
                tx.writeCounters(new java.util.TreeSet<>(locked).stream().map(tx::lockCounter)
                        .map(c -> new Store.Counter(c.key(), 1, 1, 0, 0, 0, 0, 1)).toList());
                return null;
            });
            for (int i = keys.size() - 1; i >= 0; i--) keepForgotten.apply(java.util.List.of(keys.get(i)));

            var failures = new java.util.concurrent.atomic.AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            try (var pool = Executors.newFixedThreadPool(6)) {
                for (int t = 0; t < 6; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        var random = new java.util.Random(thread);
                        while (System.nanoTime() < deadline) {
                            try {
                                if (thread < 2) {
                                    store.deleteForgottenCounters(System.currentTimeMillis(), 0);
                                } else {
                                    var pair = java.util.List.of(keys.get(random.nextInt(keys.size())), keys.get(random.nextInt(keys.size())));
                                    keepForgotten.apply(pair);
                                }
                            } catch (Store.StoreException e) {
                                failures.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
            }
            assertEquals(0, failures.get(), "store failures (deadlocks) while sweeping");
        }
    }
}
