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
     * tests of the mechanism shorten it rather than wait.
     */
    public record Settings(String db, String dbPassword, String host, int port, SSLContext tls,
                           ClientAddress clientAddress, HashingGate gate, Clock clock, CheckRules rules,
                           java.time.Duration idleConnectionTimeout) {

        /** On loopback, a free port, plain HTTP, no trusted proxy, the production pool and clock, the default rules. */
        public static Settings onLoopback(String db) {
            return new Settings(db, null, "127.0.0.1", 0, null, ClientAddress.direct(), HashingGate.forThisMachine(),
                    Clock.systemUTC(), CheckRules.DEFAULT, AuthServer.IDLE_CONNECTION_TIMEOUT);
        }

        public Settings withPort(int port) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout);
        }

        public Settings withClientAddress(ClientAddress clientAddress) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout);
        }

        public Settings withGate(HashingGate gate) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout);
        }

        public Settings withClock(Clock clock) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout);
        }

        public Settings withRules(CheckRules rules) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout);
        }

        public Settings withIdleConnectionTimeout(java.time.Duration idleConnectionTimeout) {
            return new Settings(db, dbPassword, host, port, tls, clientAddress, gate, clock, rules, idleConnectionTimeout);
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
        var service = new CheckService(store, new PasswordHasher().ready(), new FailureBudgets(store, settings.clock()), settings.gate(),
                settings.clock(), settings.rules());
        try {
            return new SeekAuthServer(store, service, AuthServer.start(settings.host(), settings.port(), settings.tls(), service, settings.clientAddress(),
                    settings.idleConnectionTimeout()));
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
