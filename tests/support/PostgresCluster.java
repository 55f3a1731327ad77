import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, throwaway PostgreSQL server for tests: a new cluster in a temporary folder,
 * on a free loopback port, stopped and removed when the test run ends. PostgreSQL
 * refuses to run as root, so as root (as CI runs) it runs as the `postgres` user.
 *
 * <p>Role "seek" connects from loopback without a password; role "secured" needs the
 * password {@link #SECURED_PASSWORD}. One cluster is shared by the whole run
 * ({@link #shared()}); each test takes a fresh database of its own.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String SECURED_PASSWORD = "pg-secured-Pa55";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresCluster shared;

    private final Path bin;
    private final Path home;
    private final Path data;
    public final int port;
    private final boolean asPostgresUser;

    private PostgresCluster(Path bin, Path home, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.home = home;
        this.data = home.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The run's shared cluster, started on first use; the calling test is skipped where PostgreSQL is not installed. */
    public static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = startNew();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** Where PostgreSQL's server programs are, if installed (Debian: /usr/lib/postgresql/VERSION/bin). */
    public static Optional<Path> binaries() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A cluster of the caller's own (to stop and start under a running server, say); close it when done. */
    public static PostgresCluster startNew() {
        Path bin = binaries().orElse(null);
        Assumptions.assumeTrue(bin != null,
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); `apt-get install postgresql` runs these tests");
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path home = Files.createTempDirectory("seek-pg");
            var cluster = new PostgresCluster(bin, home, freePort(), root);
            if (root) {
                UserPrincipal postgres = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(home, postgres);
            }
            cluster.initdb();
            cluster.start();
            cluster.sql("postgres", "CREATE ROLE secured LOGIN PASSWORD '" + SECURED_PASSWORD + "'");
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void initdb() {
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "seek", "-E", "UTF8", "--no-sync",
                "--auth-local=trust", "--auth-host=trust"));
        try {
            // seek needs no password; secured must give one (scram), as a real deployment would.
            Files.writeString(data.resolve("pg_hba.conf"), """
                    local all all                trust
                    host  all seek 127.0.0.1/32  trust
                    host  all all  127.0.0.1/32  scram-sha-256
                    host  replication seek 127.0.0.1/32 trust
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the server. fsync is off (the machine does not crash, only the server is
     * stopped), but synchronous_commit stays on: an immediate stop must not lose a commit.
     */
    public void start() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", home.resolve("server.log").toString(), "-w",
                "-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c full_page_writes=off -c max_connections=200",
                "start"));
    }

    /**
     * A streaming standby of this cluster, made with pg_basebackup -R and started on a port of
     * its own; it names itself to the primary as applicationName (see {@link #requireSynchronous}).
     */
    public PostgresCluster startStandby(String applicationName) {
        try {
            Path standbyHome = Files.createTempDirectory("seek-pg-standby");
            if (asPostgresUser) {
                Files.setOwner(standbyHome, standbyHome.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            var standby = new PostgresCluster(bin, standbyHome, freePort(), asPostgresUser);
            run(List.of(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "seek",
                    "-D", standby.data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"));
            // The last setting of a name wins: -R wrote one without the application name.
            Files.writeString(standby.data.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port=" + port
                    + " user=seek application_name=" + applicationName + "'\n", java.nio.file.StandardOpenOption.APPEND);
            standby.start();
            return standby;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Commits wait until this standby has them too (synchronous_commit stays on); returns once
     * the standby streams as the synchronous one.
     */
    public void requireSynchronous(String applicationName) {
        sql("postgres", "ALTER SYSTEM SET synchronous_standby_names = '" + applicationName + "'");
        sql("postgres", "SELECT pg_reload_conf()");
        waitForReplication("sync");
    }

    /** Returns once a standby streams from this primary in this sync_state ("async", "sync"). */
    public void waitForReplication(String syncState) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (var connection = DriverManager.getConnection(url("postgres") + "?user=seek");
                 var rows = connection.createStatement().executeQuery("SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'")) {
                if (rows.next() && syncState.equals(rows.getString(1))) return;
                Thread.sleep(50);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot ask the primary about its standby: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no standby streamed as " + syncState + " within 30 s");
    }

    /** Promotes this standby to a primary, returning once it accepts writes. */
    public void promote() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "promote"));
    }

    /** Stops the server at once, as a crash or a lost network would. */
    public void stop() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
    }

    /** A new, empty database; returns its JDBC URL for role seek. */
    public String newDatabase() {
        String name = "seek_test_" + DATABASES.incrementAndGet();
        sql("postgres", "CREATE DATABASE " + name);
        sql(name, "GRANT ALL ON SCHEMA public TO secured");
        return url(name) + "?user=seek";
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs one statement as role seek. */
    public void sql(String database, String statement) {
        try (var connection = DriverManager.getConnection(url(database) + "?user=seek")) {
            connection.createStatement().execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + statement + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server and removes its folder. */
    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) stop();
        } finally {
            try (var paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temporary folder left behind is harmless.
            }
        }
    }

    private void run(List<String> command) {
        var full = new ArrayList<String>();
        if (asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).directory(home.toFile()).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
