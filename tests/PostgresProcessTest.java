import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped scripts against a real PostgreSQL, as an operator runs them (contract section 4). */
class PostgresProcessTest {

    static final String PASSWORD = "pg-admin-Pa55word";

    static Processes.Result run(Map<String, String> env, String stdin, String... args) {
        var result = Processes.run(Processes.jbang(env, args), stdin, 120);
        assertFalse(result.stdout().contains(PASSWORD) || result.stderr().contains(PASSWORD), "output shows a password");
        assertFalse(result.stdout().contains(PostgresCluster.SECURED_PASSWORD) || result.stderr().contains(PostgresCluster.SECURED_PASSWORD),
                "output shows the database password");
        return result;
    }

    @Test
    void useradminWorksOnPostgresWithThePasswordFromTheEnvironment() {
        var cluster = PostgresCluster.shared();
        String database = cluster.newDatabase().replaceFirst("^.*/", "").replaceFirst("\\?.*$", "");
        var env = Map.of("SEEK_DB", cluster.url(database) + "?user=secured", "SEEK_DB_PASSWORD", PostgresCluster.SECURED_PASSWORD);

        var add = run(env, PASSWORD + "\n", "useradmin.java", "add", "alice");
        assertEquals(0, add.exitCode(), add.stderr());
        assertEquals("added user alice\n", add.stdout(), "no file is created for a PostgreSQL store");
        var list = run(env, "", "useradmin.java", "list");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().lines().anyMatch(line -> line.startsWith("alice ")), list.stdout());
        var unlock = run(env, "", "useradmin.java", "unlock", "alice");
        assertEquals("alice had no failures on record; nothing to do\n", unlock.stdout());
    }

    @Test
    void aDatabaseThatCannotBeReachedAtStartIsOneLineAndAnExit() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/seek?user=seek&password=" + PostgresCluster.SECURED_PASSWORD;
        String shown = "jdbc:postgresql://127.0.0.1:" + port + "/seek?user=seek&password=***";

        var server = run(Map.of(), "", "server.java", "--port", "0", "--db", url);
        assertEquals(1, server.exitCode());
        assertEquals(1, server.errorLines().size(), server.stderr());
        assertTrue(server.errorLines().getFirst().startsWith("server: cannot open the store at " + shown + ": "), server.stderr());

        var admin = run(Map.of(), "", "useradmin.java", "--db", url, "list");
        assertEquals(1, admin.exitCode());
        assertEquals(1, admin.errorLines().size(), admin.stderr());
        assertTrue(admin.errorLines().getFirst().startsWith("useradmin list: cannot open the store at " + shown + ": "), admin.stderr());
    }
}
