import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What differs between SQLite and PostgreSQL, and how a --db setting is read and shown. */
class StoreDialectTest {

    @Test
    void aPathIsASqliteFileAndAJdbcUrlChoosesItsDialect() {
        assertEquals("jdbc:sqlite:seek-auth.db", StoreDialect.jdbcUrl("seek-auth.db"));
        assertEquals(StoreDialect.SQLITE, StoreDialect.forUrl(StoreDialect.jdbcUrl("x.db")));
        assertEquals(StoreDialect.POSTGRESQL, StoreDialect.forUrl("jdbc:postgresql://db/seek?user=seek"));
        assertEquals(StoreDialect.OTHER, StoreDialect.forUrl("jdbc:h2:mem:x"));
        assertEquals(" FOR UPDATE SKIP LOCKED", StoreDialect.POSTGRESQL.lockFreeRows());
        assertEquals("", StoreDialect.SQLITE.lockFreeRows(), "SQLite's write lock is the lock");
        assertTrue(StoreDialect.POSTGRESQL.migrationLock().isPresent());
        assertEquals(Optional.empty(), StoreDialect.SQLITE.migrationLock());
    }

    @Test
    void aTuningSettingInTheUrlWinsOverOursAndTheOnesCorrectnessRestsOnAreAlwaysOurs() {
        var defaults = StoreDialect.SQLITE.poolProperties("jdbc:sqlite:/var/lib/seek/seek.db");
        assertEquals("5000", defaults.get("dataSource.busy_timeout"));
        assertEquals("NORMAL", defaults.get("dataSource.synchronous"));
        var tuned = StoreDialect.SQLITE.poolProperties("jdbc:sqlite:/var/lib/seek/seek.db?BUSY_TIMEOUT=2000&synchronous=FULL&transaction_mode=DEFERRED");
        assertFalse(tuned.containsKey("dataSource.busy_timeout"), "the URL's busy_timeout is the driver's to read");
        assertFalse(tuned.containsKey("dataSource.synchronous"));
        assertEquals("IMMEDIATE", tuned.get("dataSource.transaction_mode"), "BEGIN IMMEDIATE stays, whatever the URL says");
        assertEquals("WAL", tuned.get("dataSource.journal_mode"));
        assertEquals("1", tuned.get("maximumPoolSize"));
        assertEquals(java.util.Set.of("user", "sockettimeout"), StoreDialect.urlSettings("jdbc:postgresql://db/seek?user=seek&socketTimeout=3"));
        assertEquals(java.util.Set.of(), StoreDialect.urlSettings("jdbc:sqlite:seek.db"));
    }

    @Test
    void theSqliteFileOfAUrlIsFoundWithoutItsSettings() {
        assertEquals(Optional.of(Path.of("/var/lib/seek/seek.db")), StoreDialect.sqliteFile("jdbc:sqlite:/var/lib/seek/seek.db?busy_timeout=2000"));
        assertEquals(Optional.of(Path.of("rel.db").toAbsolutePath()), StoreDialect.sqliteFile("jdbc:sqlite:rel.db"));
        assertEquals(Optional.empty(), StoreDialect.sqliteFile("jdbc:sqlite::memory:"));
        assertEquals(Optional.empty(), StoreDialect.sqliteFile("jdbc:postgresql://db/seek"));
    }

    @Test
    void aPasswordInAUrlIsNeverShownAndGivesWayToTheEnvironments() {
        String url = "jdbc:postgresql://db:5432/seek?user=seek&password=s3cret&ssl=true";
        assertEquals("jdbc:postgresql://db:5432/seek?user=seek&password=***&ssl=true", StoreDialect.redacted(url));
        assertEquals("jdbc:postgresql://db/seek?PASSWORD=***", StoreDialect.redacted("jdbc:postgresql://db/seek?PASSWORD=x"));
        assertEquals("jdbc:postgresql://db:5432/seek?user=seek&ssl=true", StoreDialect.withoutPassword(url));
        assertEquals("jdbc:postgresql://db/seek?user=seek", StoreDialect.withoutPassword("jdbc:postgresql://db/seek?password=x&user=seek"));
        assertEquals("jdbc:postgresql://db/seek", StoreDialect.withoutPassword("jdbc:postgresql://db/seek?password=x"));
        assertEquals("seek-auth.db", StoreDialect.redacted("seek-auth.db"));
        assertEquals("jdbc:postgresql://db/seek?user=seek&sslpassword=***&sslmode=verify-full",
                StoreDialect.redacted("jdbc:postgresql://db/seek?user=seek&sslpassword=key-pass&sslmode=verify-full"));
        assertEquals("jdbc:postgresql://db/seek?sslpassword=k", StoreDialect.withoutPassword("jdbc:postgresql://db/seek?sslpassword=k&password=x"),
                "SEEK_DB_PASSWORD replaces the login password, not the key's");
    }

    @Test
    void thePasswordReachesTheDriverExactlyAsGivenDollarBracesIncluded() {
        String password = "a${db.source}b";
        var properties = ConnectionPool.properties("jdbc:postgresql://db/seek?user=seek&password=in-url", password, StoreDialect.POSTGRESQL);
        assertEquals(password, properties.getProperty("password"));
        assertEquals("jdbc:postgresql://db/seek?user=seek", properties.getProperty("jdbcUrl"));
        var inUrl = ConnectionPool.properties("jdbc:postgresql://db/seek?password=p${db.source}", null, StoreDialect.POSTGRESQL);
        assertEquals("jdbc:postgresql://db/seek?password=p${db.source}", inUrl.getProperty("jdbcUrl"));
        assertNull(inUrl.getProperty("password"));
    }

    /** A primary demoted in a failover answers writes with SQLSTATE 25006: its connections must not be used again. */
    @Test
    void aConnectionThatTurnedReadOnlyIsEvictedAndOtherErrorsAreLeftToHikari() {
        var override = new ConnectionPool.ReadOnlyIsGone();
        assertEquals(com.zaxxer.hikari.SQLExceptionOverride.Override.MUST_EVICT,
                override.adjudicate(new SQLException("cannot execute UPDATE in a read-only transaction", "25006")));
        assertEquals(com.zaxxer.hikari.SQLExceptionOverride.Override.CONTINUE_EVICT,
                override.adjudicate(new SQLException("duplicate key", "23505")));
        assertEquals(com.zaxxer.hikari.SQLExceptionOverride.Override.CONTINUE_EVICT,
                override.adjudicate(new SQLException("connection refused", "08001")), "Hikari's own rules evict class 08");
    }

    @Test
    void aUniqueConstraintIsRecognisedOnBothDatabases() {
        assertTrue(StoreDialect.isConstraintViolation(new RuntimeException(new SQLException("duplicate key", "23505"))), "PostgreSQL");
        assertTrue(StoreDialect.isConstraintViolation(new SQLException("UNIQUE constraint failed", null, 2067)), "SQLite's extended code");
        assertFalse(StoreDialect.isConstraintViolation(new SQLException("connection refused", "08001")));
    }
}
