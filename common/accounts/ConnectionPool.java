// HikariCP itself: Helidon's own Hikari module is not served past 4.1.7, and Helidon DB Client
// takes any pool behind its JdbcConnectionPool interface.
//DEPS com.zaxxer:HikariCP:7.1.0

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The store's connections: a HikariCP pool, handed to Helidon DB Client as its connection pool.
 * A connection whose server has gone (SQLSTATE class 08, which Hikari already knows) or turned
 * read-only (25006: a primary demoted in a failover) is evicted, never handed out again.
 */
final class ConnectionPool implements CloseableJdbcConnectionPool {

    private final HikariDataSource source;
    private final String dbType;
    private final java.util.concurrent.atomic.LongAdder taken;

    private ConnectionPool(HikariDataSource source, String dbType, java.util.concurrent.atomic.LongAdder taken) {
        this.source = source;
        this.dbType = dbType;
        this.taken = taken;
    }

    /**
     * A pool for this URL; its first connection is made now, so a store that cannot be reached
     * fails here. taken counts the connections handed out: one per statement run on its own, one
     * per transaction (a decision's round trips, which tests count).
     */
    static ConnectionPool open(String url, String password, StoreDialect dialect, java.util.concurrent.atomic.LongAdder taken) {
        return new ConnectionPool(new HikariDataSource(new HikariConfig(properties(url, password, dialect))),
                dialect == StoreDialect.POSTGRESQL ? "postgresql" : dialect == StoreDialect.SQLITE ? "sqlite" : "jdbc", taken);
    }

    /**
     * Hikari's settings for this URL and password, each taken as it is given: SEEK_DB_PASSWORD
     * wins over a password inside the URL, which is then left out of it.
     */
    static Properties properties(String url, String password, StoreDialect dialect) {
        var properties = new Properties();
        properties.setProperty("jdbcUrl", password == null ? url : StoreDialect.withoutPassword(url));
        if (password != null) properties.setProperty("password", password);
        properties.setProperty("poolName", "seek-auth");
        properties.setProperty("connectionTimeout", "5000");
        properties.setProperty("exceptionOverrideClassName", ReadOnlyIsGone.class.getName());
        properties.putAll(dialect.poolProperties(url));
        return properties;
    }

    /** Hikari asks this of every SQLException on a connection; Hikari's own rules cover the rest. */
    public static final class ReadOnlyIsGone implements SQLExceptionOverride {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            return "25006".equals(e.getSQLState()) ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    @Override
    public Connection connection() {
        taken.increment();
        try {
            return source.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("no connection to the store: " + e.getMessage(), e);
        }
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public void close() {
        source.close();
    }
}
