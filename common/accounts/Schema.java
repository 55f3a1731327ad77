import io.helidon.dbclient.DbClient;
import java.util.List;

/**
 * The versioned schema. Each migration runs once, in order, in one transaction
 * together with the version it brings; append new ones, never edit old ones.
 */
final class Schema {

    private Schema() {}

    /** MIGRATIONS.get(i) takes the schema from version i to version i + 1. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE users (
                        username      VARCHAR(64)  NOT NULL PRIMARY KEY,
                        password_hash VARCHAR(512) NOT NULL,
                        created_at    VARCHAR(40)  NOT NULL,
                        machine_id    CHAR(64)     UNIQUE,
                        bound_at      VARCHAR(40),
                        last_check_at VARCHAR(40),
                        CHECK ((machine_id IS NULL AND bound_at IS NULL) OR (machine_id IS NOT NULL AND bound_at IS NOT NULL))
                    )"""),
            // Failure budgets (contract section 3), shared by every instance on the store. Times are
            // epoch milliseconds; a row whose forget_at has passed, with nothing in flight, is deleted.
            List.of("""
                    CREATE TABLE failure_counters (
                        counter_key     VARCHAR(200) NOT NULL PRIMARY KEY,
                        failures        INTEGER      NOT NULL,
                        last_failure_at BIGINT       NOT NULL,
                        in_flight       INTEGER      NOT NULL,
                        in_flight_at    BIGINT       NOT NULL,
                        window_start    BIGINT       NOT NULL,
                        window_failures INTEGER      NOT NULL,
                        forget_at       BIGINT       NOT NULL
                    )""",
                    "CREATE INDEX failure_counters_forget_at ON failure_counters (forget_at)"),
            // Device keys (contract section 8): the key bound with the machine, as the header carries
            // it, and the nonces of proofs seen in the last two minutes, so that each proof counts once.
            // (No CHECK ties device_key to machine_id: SQLite cannot add one to an existing table
            // through JDBC. Every statement that clears machine_id clears device_key with it.)
            List.of("ALTER TABLE users ADD COLUMN device_key VARCHAR(100)",
                    """
                    CREATE TABLE proof_nonces (
                        device_key VARCHAR(100) NOT NULL,
                        nonce      VARCHAR(32)  NOT NULL,
                        seen_at    BIGINT       NOT NULL,
                        PRIMARY KEY (device_key, nonce)
                    )""",
                    "CREATE INDEX proof_nonces_seen_at ON proof_nonces (seen_at)"),
            // The password's version: a random value that add and passwd set, and a rehash keeps.
            // The writes of a check hold only while it is the one verified (contract section 2).
            List.of("ALTER TABLE users ADD COLUMN password_stamp BIGINT NOT NULL DEFAULT 0"),
            // Proofs, hardened (contract section 14): a nonce's record keeps its proof's TIME (epoch ms)
            // and lives until that TIME is 180 s past, whichever instance's clock sweeps. Records made
            // before this version kept when they were seen, within 60 s of their TIME: seen_at + 60 s
            // keeps each at least as long as its proof is good. And the time a key was pinned to a
            // binding made without one, which `useradmin list --json` shows as key_added.
            List.of("ALTER TABLE proof_nonces ADD COLUMN proof_time BIGINT NOT NULL DEFAULT 0",
                    "UPDATE proof_nonces SET proof_time = seen_at + 60000",
                    "CREATE INDEX proof_nonces_proof_time ON proof_nonces (proof_time)",
                    "ALTER TABLE users ADD COLUMN key_added_at VARCHAR(40)"));

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /**
     * Brings the store to the latest version; safe when several processes start at once on
     * an empty database: everything, the version table included, is made in one transaction
     * under the dialect's migration lock (SQLite's write lock is one already).
     */
    static void migrate(DbClient db, StoreDialect dialect) {
        var tx = db.transaction();
        try {
            dialect.migrationLock().ifPresent(tx::get);
            tx.dml("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int current = currentVersion(tx);
            if (current > latestVersion()) {
                throw new IllegalStateException("the store has schema version " + current
                        + ", newer than this program's " + latestVersion() + "; upgrade seek-auth");
            }
            for (int version = current; version < latestVersion(); version++) {
                for (String statement : MIGRATIONS.get(version)) tx.dml(statement);
            }
            if (current == 0) {
                tx.dml("INSERT INTO schema_version (version) VALUES (?)", latestVersion());
            } else if (current < latestVersion()) {
                tx.dml("UPDATE schema_version SET version = ?", latestVersion());
            }
            tx.commit();
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    private static int currentVersion(io.helidon.dbclient.DbExecute db) {
        return db.get("SELECT MAX(version) AS version FROM schema_version")
                .map(row -> row.column("version").get(Number.class))
                .map(Number::intValue)
                .orElse(0);
    }
}
