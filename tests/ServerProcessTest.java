import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `./jbang server.java` as a real process: settings, the listening line, TLS, clean stop, one-line errors. */
class ServerProcessTest {

    static final Pattern LISTENING = Pattern.compile("seek-auth listening on (https?)://([^:]+):(\\d+)");

    @TempDir Path dir;

    /** A running server process and its base URI; closing it stops it by PID. */
    record RunningServer(Processes.Started started, URI base) implements AutoCloseable {
        Process process() {
            return started.process();
        }

        @Override public void close() {
            started.close();
        }
    }

    RunningServer startServer(Map<String, String> env, String... args) throws Exception {
        var command = new java.util.ArrayList<String>(List.of("server.java"));
        command.addAll(List.of(args));
        var started = Processes.start(Processes.jbang(env, command.toArray(String[]::new)), "", dir);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);  // a first run builds the script
            while (started.stdoutText().isEmpty() || !started.stdoutText().contains("\n")) {
                assertTrue(started.process().isAlive(), "server exited before listening: " + started.stderrText());
                assertTrue(System.nanoTime() < deadline, "server did not listen within 180 s");
                Thread.sleep(50);
            }
            String line = started.stdoutText().lines().findFirst().orElseThrow();
            var m = LISTENING.matcher(line);
            assertTrue(m.matches(), "listening line: " + line);
            String host = m.group(2).equals("0.0.0.0") ? "127.0.0.1" : m.group(2);
            return new RunningServer(started, URI.create(m.group(1) + "://" + host + ":" + m.group(3)));
        } catch (Throwable t) {
            started.close();
            throw t;
        }
    }

    @Test
    void startsFromEnvironmentSettingsAnswersAndStopsCleanlyOnSigterm() throws Exception {
        Path db = dir.resolve("from-env.db");
        // The flag beats the environment: SEEK_PORT is unusable, --port 0 is used.
        var env = Map.of("SEEK_DB", db.toString(), "SEEK_PORT", "99999", "SEEK_HOST", "127.0.0.1", "SEEK_WARM_UP", "300");
        try (var server = startServer(env, "--port", "0")) {
            assertEquals("127.0.0.1", server.base().getHost());
            assertTrue(Files.exists(db), "SEEK_DB names the store");
            for (int i = 0; i < 3; i++) {
                var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/check")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, response.statusCode());
            }

            server.process().destroy();  // SIGTERM
            assertTrue(server.process().waitFor(20, TimeUnit.SECONDS), "stops within 20 s of SIGTERM");
            String err = server.started().stderrText();
            assertTrue(err.contains("seek-auth stopped"), err);
            assertTrue(err.matches("(?s).*warmed up: [1-9][0-9]* proof checks in [0-9]+ ms.*"), "SEEK_WARM_UP=300 warms it up: " + err);
            assertFalse(err.contains("Exception"), err);
            assertTrue(err.contains("decision=MISSING_HEADER addr=127.0.0.1"), err);
            assertTrue(err.contains("decision=MISSING_HEADER repeated 2 more times"), "counts held back are logged on the way out: " + err);
            assertFalse(err.contains("warning"), "loopback without TLS is not warned about: " + err);
        }
    }

    /** A version-1 header, as curl sends it, to a server started with these settings: its status and code. */
    String unsignedCheck(Map<String, String> env, String... args) throws Exception {
        try (var server = startServer(env, args)) {
            String header = HeaderCodec.encode("alice", "any-Pa55word", "ab".repeat(32));
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/check"))
                    .header(HeaderCodec.HEADER_NAME, header).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().replaceAll(".*\"code\": \"([A-Z_]+)\".*", "$1");
        }
    }

    @Test
    void requireProofFromTheFlagOrTheEnvironmentRefusesUnsignedHeaders() throws Exception {
        String db = dir.resolve("proofs.db").toString();
        assertEquals("401 PROOF_REQUIRED", unsignedCheck(Map.of("SEEK_REQUIRE_PROOF", "true"), "--db", db, "--host", "127.0.0.1", "--port", "0"));
        assertEquals("401 PROOF_REQUIRED", unsignedCheck(Map.of(), "--require-proof", "--db", db, "--host", "127.0.0.1", "--port", "0"));
        // By default version 1 is accepted: releaseAfterMovesAnIdleBinding... logs in with one, so no third start here.
    }

    @Test
    void releaseAfterMovesAnIdleBindingAndBadFlagValuesAreOneLineAndExit2() throws Exception {
        for (var bad : List.of(List.of("--release-after", "-1"), List.of("--release-after", "ninety"), List.of("--trusted-proxies", "1.2.3.4.5"))) {
            var command = new java.util.ArrayList<>(List.of("server.java", "--port", "0"));
            command.addAll(bad);
            var result = Processes.run(Processes.jbang(Map.of(), command.toArray(String[]::new)), "", 120);
            assertEquals(2, result.exitCode(), result.stderr());
            assertEquals(1, result.errorLines().size(), result.stderr());
            assertTrue(result.errorLines().getFirst().startsWith("server: ") && result.errorLines().getFirst().endsWith("(see --help)"),
                    result.stderr());
        }
        Path db = dir.resolve("idle.db");
        try (var store = Store.open(db.toString())) {
            store.addUser("alice", TestServer.HASHER.hash("idle-Pa55word"));
            long stamp = store.findUser("alice").orElseThrow().passwordStamp();
            store.bind("alice", "aa".repeat(32), null, stamp, java.time.Instant.now().minus(java.time.Duration.ofDays(31)));
        }
        try (var server = startServer(Map.of("SEEK_RELEASE_AFTER", "30"), "--db", db.toString(), "--host", "127.0.0.1", "--port", "0")) {
            String header = HeaderCodec.encode("alice", "idle-Pa55word", "bb".repeat(32));
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("/check"))
                    .header(HeaderCodec.HEADER_NAME, header).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"moved\"}", response.body());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!server.started().stderrText().contains("binding=moved") && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(server.started().stderrText().contains("decision=OK binding=moved released=aaaaaaaa user=alice machine=bbbbbbbb"),
                    server.started().stderrText());
        }
    }

    static final String PLAIN_HTTP_WARNING = "server: warning: listening on 0.0.0.0 without TLS: passwords cross the network unencrypted"
            + " (use --tls-keystore, or --host 127.0.0.1 behind a TLS proxy)";

    @Test
    void listeningBeyondLoopbackWithoutTlsOrAPublicUrlIsWarnedAbout() throws Exception {
        try (var server = startServer(Map.of(), "--db", dir.resolve("w.db").toString(), "--host", "0.0.0.0", "--port", "0")) {
            assertEquals(List.of(PLAIN_HTTP_WARNING,
                    "server: warning: listening on 0.0.0.0 without --public-url: signed headers are checked against the Host each request"
                            + " names, which a relay can rewrite (set --public-url https://your.host)"),
                    warnings(server, 2));
        }
        try (var server = startServer(Map.of("SEEK_PUBLIC_URL", "http://auth.example.test"), "--db", dir.resolve("w.db").toString(),
                "--host", "0.0.0.0", "--port", "0")) {
            assertEquals(List.of(PLAIN_HTTP_WARNING), warnings(server, 1), "with a public URL, only the TLS warning");
        }
    }

    /** The sockets the server's process (and any process under it) listens on. */
    static List<String> listening(RunningServer server) {
        var sockets = new java.util.ArrayList<>(ListeningSockets.of(server.process().pid()));
        server.process().toHandle().descendants().forEach(child -> sockets.addAll(ListeningSockets.of(child.pid())));
        return sockets;
    }

    @Test
    void theAdminPortIsOffByDefaultAndOnLoopbackWhenAskedFor() throws Exception {
        try (var server = startServer(Map.of(), "--db", dir.resolve("a.db").toString(), "--host", "127.0.0.1", "--port", "0")) {
            assertEquals(List.of("127.0.0.1:" + server.base().getPort()), listening(server), "one port: the public one");
        }
        try (var server = startServer(Map.of("SEEK_ADMIN_PORT", "0"), "--db", dir.resolve("a.db").toString(), "--host", "127.0.0.1",
                "--port", "0")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.started().stdoutText().lines().count() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
            var line = Pattern.compile("seek-auth health and metrics on http://127\\.0\\.0\\.1:(\\d+)/observe")
                    .matcher(server.started().stdoutText().lines().toList().get(1));
            assertTrue(line.matches(), server.started().stdoutText());
            int adminPort = Integer.parseInt(line.group(1));
            assertEquals(java.util.Set.of("127.0.0.1:" + server.base().getPort(), "127.0.0.1:" + adminPort),
                    java.util.Set.copyOf(listening(server)), "the admin port on loopback, by default");
            var ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
        }
    }

    @Test
    void badAdminPortsAreOneLineAndExit2() {
        var same = Processes.run(Processes.jbang(Map.of(), "server.java", "--db", dir.resolve("b.db").toString(), "--port", "8123",
                "--admin-port", "8123"), "", 120);
        assertEquals(2, same.exitCode(), same.stderr());
        assertEquals(List.of("server: --admin-port must differ from --port: the public port serves only /check (see --help)"), same.errorLines());
        var outOfRange = Processes.run(Processes.jbang(Map.of("SEEK_ADMIN_PORT", "70000"), "server.java", "--db", dir.resolve("b.db").toString()),
                "", 120);
        assertEquals(2, outOfRange.exitCode(), outOfRange.stderr());
        assertEquals(List.of("server: --admin-port must be between 0 and 65535 (see --help)"), outOfRange.errorLines());
    }

    @Test
    void aWarmUpBeyondTenSecondsIsOneLineAndExit2() {
        var result = Processes.run(Processes.jbang(Map.of(), "server.java", "--db", dir.resolve("w.db").toString(), "--port", "0",
                "--warm-up", "20000"), "", 120);
        assertEquals(2, result.exitCode(), result.stderr());
        assertEquals(List.of("server: --warm-up must be between 0 and 10000 milliseconds (see --help)"), result.errorLines());
    }

    @Test
    void aPublicUrlThatIsNotAnHttpUrlIsOneLineAndExit2() throws Exception {
        var result = Processes.run(Processes.jbang(Map.of(), "server.java", "--db", dir.resolve("p.db").toString(), "--port", "0",
                "--public-url", "https://ok.example,auth.example.com"), "", 120);
        assertEquals(2, result.exitCode(), result.stderr());
        assertEquals(List.of("server: --public-url: not an http:// or https:// URL with a host: auth.example.com (see --help)"), result.errorLines());
    }

    /** The warning lines of a started server, once this many have come (or after 10 s). */
    static List<String> warnings(RunningServer server, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.util.function.Supplier<List<String>> lines = () -> Processes.withoutJbangLines(server.started().stderrText()).stream()
                .filter(l -> l.contains("warning")).toList();
        while (lines.get().size() < expected && System.nanoTime() < deadline) Thread.sleep(50);
        Thread.sleep(200);  // and no more after them
        return lines.get();
    }

    static String mode(Path file) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** The server, or useradmin, started under umask 022, as most shells have it. */
    static ProcessBuilder underUmask022(String... args) {
        var command = new java.util.ArrayList<>(List.of("sh", "-c", "umask 022 && exec \"$0\" \"$@\"", Processes.ROOT.resolve("jbang").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(Processes.ROOT.toFile());
    }

    @Test
    void theStoreAndItsWalFilesAreOwnerOnlyWhoeverMakesThem() throws Exception {
        Path db = dir.resolve("modes.db");
        var started = Processes.start(underUmask022("server.java", "--host", "127.0.0.1", "--port", "0", "--db", db.toString()), "", dir);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!started.stdoutText().contains("listening")) {
                assertTrue(started.process().isAlive() && System.nanoTime() < deadline, started.stderrText());
                Thread.sleep(50);
            }
            for (String suffix : List.of("", "-wal", "-shm")) {
                assertEquals("rw-------", mode(Path.of(db + suffix)), db + suffix);
            }
            assertFalse(started.stderrText().contains("warning"), started.stderrText());
        } finally {
            started.close();
        }

        Path byAdmin = dir.resolve("by-admin.db");
        var add = Processes.run(underUmask022("useradmin.java", "--db", byAdmin.toString(), "add", "alice"), "modes-Pa55word\n", 120);
        assertEquals(0, add.exitCode(), add.stderr());
        assertEquals("rw-------", mode(byAdmin));
    }

    @Test
    void aStoreThatOthersCanReadIsWarnedAboutInOneLine() throws Exception {
        Path db = dir.resolve("exposed.db");
        try (var store = Store.open(db.toString())) {
            assertTrue(store.listUsers().isEmpty());
        }
        Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (var server = startServer(Map.of(), "--db", db.toString(), "--host", "127.0.0.1", "--port", "0")) {
            var warnings = Processes.withoutJbangLines(server.started().stderrText()).stream().filter(l -> l.contains("warning")).toList();
            assertEquals(List.of("server: warning: the store file " + db + " can be read or written by other users (rw-r--r--), and the"
                    + " store holds password hashes and machine IDs; chmod 600 it and its -wal and -shm files"), warnings);
        }
    }

    @Test
    void servesHttpsWithAKeytoolKeystore() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.crt");
        String password = "keystore-Pa55";
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "seek-auth", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass:env", "KS_PASSWORD");
        run(keytool, "-exportcert", "-rfc", "-alias", "seek-auth", "-keystore", keystore.toString(),
                "-storepass:env", "KS_PASSWORD", "-file", certificate.toString());

        var env = Map.of("SEEK_TLS_KEYSTORE_PASSWORD", password);
        try (var server = startServer(env, "--db", dir.resolve("tls.db").toString(), "--host", "127.0.0.1",
                "--port", "0", "--tls-keystore", keystore.toString())) {
            assertEquals("https", server.base().getScheme());
            SSLContext trusting = TlsContexts.trusting(certificate);
            var client = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
            var response = client.send(HttpRequest.newBuilder(server.base().resolve("/check")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode());
            assertTrue(response.body().contains("MISSING_HEADER"));
            assertFalse(server.started().stderrText().contains(password));
        }
    }

    @Test
    void wrongKeystorePasswordIsOneLine() throws Exception {
        Path keystore = dir.resolve("k.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "a", "-keyalg", "EC", "-dname", "CN=localhost", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass:env", "KS_PASSWORD");
        var result = Processes.run(Processes.jbang(Map.of("SEEK_TLS_KEYSTORE_PASSWORD", "not-it"),
                "server.java", "--port", "0", "--db", dir.resolve("x.db").toString(), "--tls-keystore", keystore.toString()), "", 120);
        assertEquals(1, result.exitCode());
        assertEquals(List.of("server: cannot open TLS keystore " + keystore + ": wrong password"), result.errorLines());
    }

    @Test
    void missingStoreFolderIsOneLineAndExit1() {
        Path db = dir.resolve("no/such/folder/x.db");
        var result = Processes.run(Processes.jbang(Map.of(), "server.java", "--port", "0", "--db", db.toString()), "", 120);
        assertEquals(1, result.exitCode());
        assertEquals(1, result.errorLines().size(), result.stderr());
        assertTrue(result.errorLines().getFirst().startsWith("server: cannot open the store at " + db), result.stderr());
    }

    @Test
    void aBusyPortIsOneLineNamingItAndAnExitWithinSeconds() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            var result = Processes.run(Processes.jbang(Map.of(), "server.java", "--host", "127.0.0.1", "--port", String.valueOf(port),
                    "--db", dir.resolve("busy.db").toString()), "", 120);
            assertEquals(1, result.exitCode(), result.stderr());
            assertEquals(List.of("server: cannot listen on 127.0.0.1:" + port + ": Address already in use"), result.errorLines());
            assertEquals("", result.stdout(), "no listening line");
        }
    }

    @Test
    void helpLinesAreWholeAndTheKeystoreNoteStandsOnItsOwn() {
        var env = Map.of("SEEK_DB", "jdbc:postgresql://db.internal/seek?user=seek&password=Hunter2-in-url");
        var help = Processes.run(Processes.jbang(env, "server.java", "--help"), "", 120);
        assertEquals(0, help.exitCode());
        assertFalse(help.stdout().contains("Hunter2"), "the environment's store setting is never shown: " + help.stdout());
        // Picocli indents a description it had to wrap by two more than the description column.
        String dbLine = help.stdout().lines().filter(line -> line.startsWith("      --db=")).findFirst().orElseThrow();
        int column = dbLine.indexOf("SQLite");
        for (String line : help.stdout().lines().toList()) {
            assertTrue(line.length() <= 100 && !line.startsWith(" ".repeat(column + 1)), "a ragged help line: " + line);
        }
        assertTrue(help.stdout().contains("Its password: env SEEK_TLS_KEYSTORE_PASSWORD, else a terminal prompt."), help.stdout());
    }

    @Test
    void badPortIsAUsageErrorThatNamesTheOptionButNotTheValue() {
        var result = Processes.run(Processes.jbang(Map.of(), "server.java", "--port", "http"), "", 120);
        assertEquals(2, result.exitCode());
        assertEquals(List.of("server: Invalid value for option '--port': '...' is not an int (see --help)"), result.errorLines());
    }

    static void run(String... command) throws Exception {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KS_PASSWORD", "keystore-Pa55");
        var result = Processes.run(builder, "", 60);
        assertEquals(0, result.exitCode(), result.stdout());
    }
}
