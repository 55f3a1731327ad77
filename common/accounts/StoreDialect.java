import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * What differs between the databases the store runs on, kept in one place:
 * how a JDBC URL is made from the --db setting, the connection properties,
 * how rows are locked, how a migration is serialised, and how a
 * unique-constraint violation is recognised.
 */
enum StoreDialect {

    SQLITE(Map.of(
            // Readers never block the writer, and the writer never blocks readers.
            "dataSource.journal_mode", "WAL",
            // A writer waits this long for another (the admin CLI, say) before giving up.
            "dataSource.busy_timeout", "5000",
            // With WAL, NORMAL syncs at checkpoints rather than at every commit: the store stays
            // consistent, and only a power cut can lose the last moments' writes. Every attempt
            // writes its failure counters, so a sync per commit would cap the server at a few
            // hundred answers a second.
            "dataSource.synchronous", "NORMAL",
            "dataSource.foreign_keys", "true",
            // BEGIN IMMEDIATE: a transaction takes the write lock up front, so two
            // read-then-write transactions cannot deadlock into SQLITE_BUSY, and every
            // transaction (a migration, a counter update) runs alone.
            "dataSource.transaction_mode", "IMMEDIATE",
            // One connection: SQLite has one writer at a time anyway, and two connections of this
            // process waiting on each other would wait inside native code, which pins a virtual
            // thread's carrier; with two cores, two such waits stalled every request for seconds.
            // Requests queue for the connection in Hikari instead, where waiting parks.
            "maximumPoolSize", "1"),
            "", null),

    POSTGRESQL(Map.of(
            // A lost database must give an answer within 10 s, never a hang (seconds).
            "dataSource.connectTimeout", "5",
            "dataSource.socketTimeout", "10",
            "dataSource.loginTimeout", "5",
            "maximumPoolSize", "10"),
            // The sweep takes only the rows no attempt holds: locking in its own order beside
            // attempts that lock theirs sorted could deadlock.
            " FOR UPDATE SKIP LOCKED",
            // One migration at a time, across every instance that starts on the database.
            "SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(7349182)) AS lock"),

    OTHER(Map.of("maximumPoolSize", "10"), " FOR UPDATE", null);

    private final Map<String, String> poolProperties;
    private final String lockFreeRows;
    private final String migrationLock;

    StoreDialect(Map<String, String> poolProperties, String lockFreeRows, String migrationLock) {
        this.poolProperties = poolProperties;
        this.lockFreeRows = lockFreeRows;
        this.migrationLock = migrationLock;
    }

    /** The --db setting is a JDBC URL, or else the path of a SQLite file. */
    static String jdbcUrl(String dbSetting) {
        return dbSetting.startsWith("jdbc:") ? dbSetting : "jdbc:sqlite:" + dbSetting;
    }

    static StoreDialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        return OTHER;
    }

    /** The SQLite file a JDBC URL names; empty for other databases and in-memory SQLite. */
    static Optional<Path> sqliteFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) return Optional.empty();
        String path = jdbcUrl.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", "").replaceFirst("^file:", "");
        if (path.isEmpty() || path.startsWith(":memory:")) return Optional.empty();
        return Optional.of(Path.of(path).toAbsolutePath().normalize());
    }

    /**
     * The setting with any password in it (password=, and the driver's sslpassword= for a client
     * key) shown as ***, for every message that names the store.
     */
    static String redacted(String dbSetting) {
        return dbSetting.replaceAll("(?i)([?&;](?:ssl)?password=)[^&;]*", "$1***");
    }

    /** The URL without its password parameter, for when the password comes from SEEK_DB_PASSWORD. */
    static String withoutPassword(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)([?&;])password=[^&;]*&?", "$1").replaceAll("[?&;]$", "");
    }

    /** Driver settings of ours that a JDBC URL may give instead: tuning, where ours are only defaults. */
    private static final java.util.Set<String> URL_MAY_SET = java.util.Set.of("busy_timeout", "synchronous");

    /**
     * Hikari pool properties for this URL (Hikari's own names; "dataSource." ones go to the
     * driver). sqlite-jdbc lets such a property win over the same setting in the URL, so a
     * tuning setting the URL gives (?busy_timeout=2000) is left out here; the settings the
     * store's correctness rests on (WAL, BEGIN IMMEDIATE, foreign keys) are always ours.
     */
    Map<String, String> poolProperties(String jdbcUrl) {
        var given = urlSettings(jdbcUrl);
        var properties = new java.util.HashMap<>(poolProperties);
        properties.keySet().removeIf(key -> {
            String driverSetting = key.startsWith("dataSource.") ? key.substring("dataSource.".length()) : "";
            return URL_MAY_SET.contains(driverSetting) && given.contains(driverSetting);
        });
        return Map.copyOf(properties);
    }

    /** The names of the settings in a JDBC URL's query (after ?, split at & or ;), in lower case. */
    static java.util.Set<String> urlSettings(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        if (query < 0) return java.util.Set.of();
        return java.util.Arrays.stream(jdbcUrl.substring(query + 1).split("[&;]"))
                .map(pair -> pair.split("=", 2)[0].toLowerCase(java.util.Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Appended to a SELECT that locks the rows it can have at once and leaves out those others hold. */
    String lockFreeRows() {
        return lockFreeRows;
    }

    /** A statement that serialises migrations across processes, if the database needs one. */
    Optional<String> migrationLock() {
        return Optional.ofNullable(migrationLock);
    }

    /** PostgreSQL chose this transaction to break a deadlock (SQLSTATE 40P01); it can be run again. */
    static boolean isDeadlock(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "40P01".equals(sql.getSQLState())) return true;
        }
        return false;
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
