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
}
