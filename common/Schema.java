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
                    )"""));

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /** Brings the store to the latest version; safe when several processes start at once. */
    static void migrate(DbClient db) {
        db.execute().dml("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var tx = db.transaction();
        try {
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
