import io.helidon.webserver.WebServer;
import java.time.Clock;
import javax.net.ssl.SSLContext;

/**
 * The whole server, built and closed as one: the store, the failure budgets, the hashing
 * pool, the decision with its rules, and the web server. server.java starts it from its flags; the tests
 * start the same wiring.
 */
public final class SeekAuthServer implements AutoCloseable {

    /**
     * What a server is made of. dbPassword and tls may be null; port 0 picks a free one.
     * The clock is the decision's: budgets, proof times, binding times (tests move one by hand).
     * idleConnectionTimeout is the contract's 10 s ({@link AuthServer#IDLE_CONNECTION_TIMEOUT});
     * tests of the mechanism shorten it rather than wait. admin is the health and metrics socket
     * (--admin-port), null for none: then nothing is counted either.
     */
    public record Settings(String db, String dbPassword, String host, int port, SSLContext tls,
                           ClientAddress clientAddress, HashingGate gate, Clock clock, CheckRules rules,
                           java.time.Duration idleConnectionTimeout, AdminSocket admin) {

        /** On loopback, a free port, plain HTTP, no trusted proxy, the production pool and clock, the default rules, no admin socket. */
        public static Settings onLoopback(String db) {
            return new Settings(db, null, "127.0.0.1", 0, null, ClientAddress.direct(), HashingGate.forThisMachine(),
                    Clock.systemUTC(), CheckRules.DEFAULT, AuthServer.IDLE_CONNECTION_TIMEOUT, null);
        }

        public Settings withAdmin(AdminSocket admin) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }

        public Settings withPort(int port) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }

        public Settings withClientAddress(ClientAddress clientAddress) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }

        public Settings withGate(HashingGate gate) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }

        public Settings withClock(Clock clock) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }

        public Settings withRules(CheckRules rules) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }

        public Settings withIdleConnectionTimeout(java.time.Duration idleConnectionTimeout) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout, admin);
        }
    }

    public final Store store;
    public final WebServer web;
    private final CheckService service;

    private SeekAuthServer(Store store, CheckService service, WebServer web) {
        this.store = store;
        this.service = service;
        this.web = web;
    }

    /**
     * Opens (and migrates) the store and starts listening. Throws {@link Store.StoreException}
     * or {@link AuthServer.ListenException}, each with a one-line message; nothing is left open.
     */
    public static SeekAuthServer start(Settings settings) {
        Store store = Store.open(settings.db(), settings.dbPassword());
        var hasher = new PasswordHasher().ready();
        var metrics = settings.admin() == null ? null : new ServerMetrics(settings.gate(), hasher.engineName());
        var service = new CheckService(store, hasher, new FailureBudgets(store, settings.clock()), settings.gate(),
                settings.clock(), settings.rules(), metrics == null ? DecisionMetrics.NONE : metrics);
        try {
            var web = AuthServer.builder(settings.host(), settings.port(), settings.tls(), service, settings.clientAddress(),
                    settings.idleConnectionTimeout());
            if (settings.admin() != null) settings.admin().addTo(web, new StoreReadiness(store), metrics.registry);
            var started = new SeekAuthServer(store, service, AuthServer.start(web, settings.host(), settings.port(), settings.admin()));
            System.getLogger("seek-auth.server").log(System.Logger.Level.INFO, "Argon2id in " + hasher.engineName()
                    + (hasher.engineName().equals("libargon2") ? "" : " (the native libargon2 did not load here)"));
            return started;
        } catch (RuntimeException e) {
            service.close();
            store.close();
            throw e;
        }
    }

    /** The port it listens on (the real one when started with port 0). */
    public int port() {
        return web.port();
    }

    /** The admin socket's port (the real one when started with port 0); -1 without one. */
    public int adminPort() {
        return web.port(AdminSocket.NAME);
    }

    @Override
    public void close() {
        try {
            web.stop();
        } finally {
            service.close();
            store.close();
        }
    }
}
