import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server's command line: its options (each with its environment variable and default), their
 * checks, and the start of {@link SeekAuthServer} from them. server.java runs it; the docs test
 * parses every documented server command line against it.
 */
@Command(name = "server", mixinStandardHelpOptions = true, version = "seek-auth 0.1.0", sortOptions = false,
        description = "seek-auth backend: serves GET /check with device-bound login.")
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--db", paramLabel = "PATH|JDBC-URL", defaultValue = "${env:SEEK_DB:-seek-auth.db}",
            description = {"SQLite file or JDBC URL, e.g. jdbc:postgresql://HOST/DB?user=NAME",
                    "(env SEEK_DB; default seek-auth.db; password in env SEEK_DB_PASSWORD)"})
    String db;

    @Option(names = "--host", defaultValue = "${env:SEEK_HOST:-0.0.0.0}",
            description = "listen address (env SEEK_HOST; default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "${env:SEEK_PORT:-8080}",
            description = "listen port, 0 for a free one (env SEEK_PORT; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "${env:SEEK_ADMIN_PORT}",
            description = {"serve /observe/health and /observe/metrics on this second port, 0 for a",
                    "free one (env SEEK_ADMIN_PORT; default none: off)"})
    Integer adminPort;

    @Option(names = "--admin-host", paramLabel = "HOST", defaultValue = "${env:SEEK_ADMIN_HOST:-127.0.0.1}",
            description = "the admin port's address (env SEEK_ADMIN_HOST; default ${DEFAULT-VALUE})")
    String adminHost;

    @Option(names = "--tls-keystore", paramLabel = "FILE", defaultValue = "${env:SEEK_TLS_KEYSTORE}",
            description = {"PKCS#12 keystore: serve HTTPS (env SEEK_TLS_KEYSTORE).",
                    "Its password: env SEEK_TLS_KEYSTORE_PASSWORD, else a terminal prompt."})
    Path tlsKeystore;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRS", defaultValue = "${env:SEEK_TRUSTED_PROXIES}",
            description = {"reverse proxies whose X-Forwarded-For is believed: addresses and",
                    "CIDR blocks, comma-separated (env SEEK_TRUSTED_PROXIES; default none)"})
    String trustedProxies;

    @Option(names = "--require-proof", defaultValue = "${env:SEEK_REQUIRE_PROOF:-false}",
            description = {"refuse unsigned (version 1) headers, e.g. curl's, for every user: only",
                    "the client's device-key proofs count (env SEEK_REQUIRE_PROOF=true)"})
    boolean requireProof;

    @Option(names = "--public-url", paramLabel = "URL[,URL...]", defaultValue = "${env:SEEK_PUBLIC_URL}",
            description = {"URLs clients reach this server at (e.g. https://auth.example.com): a",
                    "signed header must name one (env SEEK_PUBLIC_URL; default: its Host)"})
    String publicUrls;

    @Option(names = "--release-after", paramLabel = "DAYS", defaultValue = "${env:SEEK_RELEASE_AFTER:-0}",
            description = {"move a binding unused for over DAYS days to its user's next verified",
                    "login from another machine (env SEEK_RELEASE_AFTER; default 0: never)"})
    int releaseAfterDays;

    @Option(names = "--warm-up", paramLabel = "MS", defaultValue = "${env:SEEK_WARM_UP:-" + WarmUp.DEFAULT_MILLIS + "}",
            description = {"before listening, check proofs of its own for MS milliseconds, so",
                    "that its first logins run compiled code (env SEEK_WARM_UP; default",
                    "${DEFAULT-VALUE}; 0: none)"})
    int warmUpMillis;

    @Override
    public Integer call() throws Exception {
        Logging.configure();
        if (port < 0 || port > 65535) {
            System.err.println("server: --port must be between 0 and 65535 (see --help)");
            return Cli.USAGE;
        }
        if (adminPort != null && (adminPort < 0 || adminPort > 65535)) {
            System.err.println("server: --admin-port must be between 0 and 65535 (see --help)");
            return Cli.USAGE;
        }
        if (adminPort != null && adminPort != 0 && adminPort == port) {
            System.err.println("server: --admin-port must differ from --port: the public port serves only /check (see --help)");
            return Cli.USAGE;
        }
        if (releaseAfterDays < 0) {
            System.err.println("server: --release-after must be 0 (never) or a number of days (see --help)");
            return Cli.USAGE;
        }
        if (warmUpMillis < 0 || warmUpMillis > WarmUp.MAX_MILLIS) {
            System.err.println("server: --warm-up must be between 0 and " + WarmUp.MAX_MILLIS + " milliseconds (see --help)");
            return Cli.USAGE;
        }
        CheckRules rules;
        try {
            rules = new CheckRules(requireProof, java.time.Duration.ofDays(releaseAfterDays), CheckRules.origins(publicUrls));
        } catch (IllegalArgumentException e) {
            System.err.println("server: " + e.getMessage() + " (see --help)");
            return Cli.USAGE;
        }
        ClientAddress clientAddress;
        try {
            clientAddress = ClientAddress.trusting(trustedProxies);
        } catch (IllegalArgumentException e) {
            System.err.println("server: " + e.getMessage() + " (see --help)");
            return Cli.USAGE;
        }
        javax.net.ssl.SSLContext tls = null;
        if (tlsKeystore != null) {
            char[] password = keystorePassword();
            if (password == null) return fail("--tls-keystore needs its password in SEEK_TLS_KEYSTORE_PASSWORD");
            try {
                tls = TlsContexts.server(tlsKeystore, password);
            } catch (TlsContexts.TlsSetupException e) {
                return fail(e.getMessage());
            }
        }
        Store.exposure(db).ifPresent(warning -> System.err.println("server: warning: " + warning));
        long began = System.nanoTime();
        long checked = WarmUp.run(java.time.Duration.ofMillis(warmUpMillis));
        if (checked > 0) {
            System.getLogger("seek-auth.server").log(System.Logger.Level.INFO, "warmed up: " + checked + " proof checks in "
                    + (System.nanoTime() - began) / 1_000_000 + " ms");
        }
        SeekAuthServer server;
        try {
            server = SeekAuthServer.start(new SeekAuthServer.Settings(db, System.getenv("SEEK_DB_PASSWORD"), host, port, tls,
                    clientAddress, HashingGate.forThisMachine(), java.time.Clock.systemUTC(), rules, AuthServer.IDLE_CONNECTION_TIMEOUT,
                    adminPort == null ? null : new AdminSocket(adminHost, adminPort)));
        } catch (Store.StoreException | AuthServer.ListenException e) {
            return fail(e.getMessage());
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.err.println("seek-auth stopped");
            stopped.countDown();
        }));
        System.out.println("seek-auth listening on " + (tls == null ? "http" : "https") + "://" + host + ":" + server.port());
        if (adminPort != null) {
            System.out.println("seek-auth health and metrics on http://" + adminHost + ":" + server.adminPort() + "/observe");
        }
        AuthServer.plainHttpWarning(host, tls != null).ifPresent(warning -> System.err.println("server: warning: " + warning));
        AuthServer.originWarning(host, rules.publicOrigins()).ifPresent(warning -> System.err.println("server: warning: " + warning));
        stopped.await();
        return 0;
    }

    /** From the environment, else asked on the terminal without echo; null when neither is there. */
    private static char[] keystorePassword() {
        String fromEnvironment = System.getenv("SEEK_TLS_KEYSTORE_PASSWORD");
        if (fromEnvironment != null) return fromEnvironment.toCharArray();
        return Terminal.system().map(terminal -> terminal.readPassword("Keystore password: ")).orElse(null);
    }

    private static int fail(String message) {
        System.err.println("server: " + message);
        return Cli.FAILURE;
    }
}
