import java.sql.SQLException;
import java.util.Map;

/**
 * What differs between the databases the store runs on, kept in one place:
 * how a JDBC URL is made from the --db setting, the connection properties,
 * and how a unique-constraint violation is recognised.
 */
enum StoreDialect {

    SQLITE(Map.of(
            // Readers never block the writer, and the writer never blocks readers.
            "dataSource.journal_mode", "WAL",
            // A writer waits this long for another (the admin CLI, say) before giving up.
            "dataSource.busy_timeout", "5000",
            "dataSource.foreign_keys", "true",
            // BEGIN IMMEDIATE: a transaction takes the write lock up front, so two
            // read-then-write transactions cannot deadlock into SQLITE_BUSY.
            "dataSource.transaction_mode", "IMMEDIATE",
            // SQLite has one writer at a time: a small pool avoids queueing on its lock.
            "maximumPoolSize", "4")),

    OTHER(Map.of("maximumPoolSize", "10"));

    private final Map<String, String> poolProperties;

    StoreDialect(Map<String, String> poolProperties) {
        this.poolProperties = poolProperties;
    }

    /** The --db setting is a JDBC URL, or else the path of a SQLite file. */
    static String jdbcUrl(String dbSetting) {
        return dbSetting.startsWith("jdbc:") ? dbSetting : "jdbc:sqlite:" + dbSetting;
    }

    /** The SQLite file a JDBC URL names; empty for other databases and in-memory SQLite. */
    static java.util.Optional<java.nio.file.Path> sqliteFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) return java.util.Optional.empty();
        String path = jdbcUrl.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "").replaceFirst("^file:", "");
        if (path.isEmpty() || path.startsWith(":memory:")) return java.util.Optional.empty();
        return java.util.Optional.of(java.nio.file.Path.of(path).toAbsolutePath().normalize());
    }

    static StoreDialect forUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:sqlite:") ? SQLITE : OTHER;
    }

    /** Hikari pool properties (Hikari's own names; "dataSource." ones go to the driver). */
    Map<String, String> poolProperties() {
        return poolProperties;
    }

    /** SQLSTATE class 23 is an integrity constraint violation; SQLite reports SQLITE_CONSTRAINT (19). */
    static boolean isConstraintViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ((sql.getSQLState() != null && sql.getSQLState().startsWith("23")) || (sql.getErrorCode() & 0xFF) == 19)) {
                return true;
            }
        }
        return false;
    }
}
