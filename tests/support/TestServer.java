import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A real seek-auth server for a test: a store on a temporary file, the real
 * Helidon server on a free loopback port, and every log line it writes kept
 * for inspection. Close it (try-with-resources or @AfterEach) to stop it.
 */
public final class TestServer implements AutoCloseable, org.junit.jupiter.api.extension.AfterEachCallback {

    public static final PasswordHasher HASHER = new PasswordHasher();

    private final SeekAuthServer server;
    private final SeekAuthServer.Settings settings;
    public final Store store;
    public final WebServer web;
    public final URI check;
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private final Handler logCapture = new Handler() {
        @Override public void publish(LogRecord record) {
            logLines.add(record.getLoggerName() + ": " + new Logging.OneLine().formatMessage(record)
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }
        @Override public void flush() {}
        @Override public void close() {}
    };
    /** Every password and header value this test sent: none may ever appear in a log line. */
    private final java.util.Set<String> secrets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The folder this server's store is in, when {@link #inTempDir} made it; removed with the server. */
    private Path ownDir;
    private boolean closed;

    /**
     * A server on a store in a new temporary folder, to register as a JUnit extension:
     * {@code @RegisterExtension final TestServer server = TestServer.inTempDir();} starts it
     * for each test and stops it (checking its log for secrets) after each.
     */
    public static TestServer inTempDir() {
        return inTempDir(settings -> settings);
    }

    /** The same, with settings changed from the loopback defaults (a clock, a gate, proxies). */
    public static TestServer inTempDir(java.util.function.UnaryOperator<SeekAuthServer.Settings> settings) {
        Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("seek-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var server = new TestServer(settings.apply(SeekAuthServer.Settings.onLoopback(dir.resolve("seek.db").toString())));
        server.ownDir = dir;
        return server;
    }

    /** Adds a user, for chaining after {@link #inTempDir}. */
    public TestServer withUser(String username, String password) {
        addUser(username, password);
        return this;
    }

    /** The admin socket's port; -1 for a server without one. */
    public int adminPort() {
        return server.adminPort();
    }

    /** The SQLite file of a server made by {@link #inTempDir}. */
    public Path dbFile() {
        return ownDir.resolve("seek.db");
    }

    @Override
    public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
        try {
            close();
        } finally {
            if (ownDir != null) {
                try (var paths = java.nio.file.Files.walk(ownDir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (java.io.IOException ignored) {
                    // A temporary folder left behind is harmless.
                }
            }
        }
    }

    public TestServer(Path dbFile) {
        this(dbFile.toString());
    }

    /** A server on this store (a SQLite file or a JDBC URL), with the production budgets and gate. */
    public TestServer(String dbSetting) {
        this(SeekAuthServer.Settings.onLoopback(dbSetting));
    }

    /**
     * A server that believes X-Forwarded-For from loopback, so one test can send attempts
     * from many client addresses (see {@link #checkFrom}).
     */
    public static TestServer trustingLoopbackProxy(String dbSetting) {
        return new TestServer(SeekAuthServer.Settings.onLoopback(dbSetting).withClientAddress(ClientAddress.trusting("127.0.0.1"))
                .withRules(CheckRules.DEFAULT.withPublicOrigins(java.util.List.of(BEHIND_PROXY))));
    }

    /** The public origin of servers made by {@link #trustingLoopbackProxy}, as instances behind one proxy share one. */
    public static final String BEHIND_PROXY = "https://auth.example.test";

    /** The real server's wiring (the same as server.java's), on these settings. */
    public TestServer(SeekAuthServer.Settings settings) {
        this.settings = settings;
        Logger.getLogger("").addHandler(logCapture);
        try {
            this.server = SeekAuthServer.start(settings);
        } catch (RuntimeException e) {
            Logger.getLogger("").removeHandler(logCapture);
            throw e;
        }
        this.store = server.store;
        this.web = server.web;
        this.check = URI.create("http://127.0.0.1:" + server.port() + "/check");
    }

    public void addUser(String username, String password) {
        secrets.add(password);
        if (!store.addUser(username, HASHER.hash(Credentials.canonicalPassword(password)))) {
            throw new IllegalStateException("user exists: " + username);
        }
    }

    public HttpResponse<String> check(String username, String password, String machineId) {
        secrets.add(password);
        secrets.add(machineId);  // only its first 8 characters may be logged
        return get(check, HeaderCodec.encode(username, password, machineId));
    }

    /** A version-2 check: the credentials signed now by this device key. */
    public HttpResponse<String> checkSigned(String username, String password, String machineId, java.security.KeyPair key) {
        return get(check, signedHeader(username, password, machineId, key));
    }

    /** A version-2 header value, signed now by this key; its password and machine ID are kept as secrets. */
    public String signedHeader(String username, String password, String machineId, java.security.KeyPair key) {
        secrets.add(password);
        secrets.add(machineId);
        return DeviceProof.signedHeader(HeaderCodec.encode(username, password, machineId), origin(), key, java.time.Instant.now());
    }

    /** A check that claims, through X-Forwarded-For, to come from this client address. */
    public HttpResponse<String> checkFrom(String clientAddress, String username, String password, String machineId) {
        secrets.add(password);
        secrets.add(machineId);
        String value = HeaderCodec.encode(username, password, machineId);
        secrets.add(value);
        return send(HttpRequest.newBuilder(check).timeout(Duration.ofSeconds(30))
                .header(HeaderCodec.HEADER_NAME, value).header("X-Forwarded-For", clientAddress).GET().build());
    }

    /** GET with one SEEK_CUSTOM_AUTH header per value given (none for no header). */
    public HttpResponse<String> get(URI uri, String... headerValues) {
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        for (String value : headerValues) {
            secrets.add(value);
            request.header(HeaderCodec.HEADER_NAME, value);
        }
        return send(request.GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request to the test server failed", e);
        }
    }

    /**
     * The origin proofs are signed for here: the server's first public origin (--public-url),
     * else the one a client names when it sends to this server at 127.0.0.1.
     */
    public String origin() {
        var publicOrigins = settings.rules().publicOrigins();
        return publicOrigins.isEmpty() ? "http://127.0.0.1:" + server.port() : publicOrigins.getFirst();
    }

    public List<String> logLines() {
        synchronized (logLines) {
            return List.copyOf(logLines);
        }
    }

    /** Stops the server, then fails if any log line showed a password, a header value or a whole machine ID. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            server.close();
        } finally {
            Logger.getLogger("").removeHandler(logCapture);
        }
        for (String line : logLines()) {
            for (String secret : secrets) {
                if (secret.length() >= 4 && line.contains(secret)) {
                    throw new AssertionError("a log line shows a password, header value or machine ID: " + line.replace(secret, "<secret>"));
                }
            }
        }
    }
}
