//DEPS io.helidon:helidon-dependencies:4.1.7@pom
//DEPS io.helidon.dbclient:helidon-dbclient
//DEPS io.helidon.dbclient:helidon-dbclient-jdbc
//DEPS io.helidon.dbclient:helidon-dbclient-hikari
//DEPS io.helidon.config:helidon-config
//DEPS org.xerial:sqlite-jdbc:3.53.4.0
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user store shared by the server and the admin CLI: Helidon DB Client over
 * JDBC with a Hikari pool, SQLite by default. Every method is one statement, so
 * each is atomic on its own; the database's constraints hold the binding rules.
 * Failures surface as {@link StoreException}.
 */
public final class Store implements AutoCloseable {

    /** The store failed or cannot be reached; the request can be retried later. */
    public static final class StoreException extends RuntimeException {
        StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One row of the users table. machineId, boundAt and lastCheckAt may be null. */
    public record User(String username, String passwordHash, Instant createdAt,
                       String machineId, Instant boundAt, Instant lastCheckAt) {
        public boolean isBound() {
            return machineId != null;
        }

        @Override
        public String toString() {
            return "User[" + username + (isBound() ? ", bound to " + machineId.substring(0, 8) : ", unbound") + "]";
        }
    }

    private final DbClient db;

    private Store(DbClient db) {
        this.db = db;
    }

    /** Opens (creating the SQLite file when needed) and migrates the store named by a --db setting. */
    public static Store open(String dbSetting) {
        return open(dbSetting, true);
    }

    /**
     * Opens the store only if it exists: for commands that read or change existing users,
     * where a mistyped path or another working folder must not yield a new, empty store.
     */
    public static Store openExisting(String dbSetting) {
        return open(dbSetting, false);
    }

    /** The SQLite file that open() would create for this setting, if it does not exist yet. */
    public static Optional<java.nio.file.Path> fileToCreate(String dbSetting) {
        return StoreDialect.sqliteFile(StoreDialect.jdbcUrl(dbSetting)).filter(file -> !java.nio.file.Files.exists(file));
    }

    private static Store open(String dbSetting, boolean create) {
        if (!create) {
            var missing = fileToCreate(dbSetting);
            if (missing.isPresent()) {
                throw new StoreException("no store at " + missing.get() + " (give --db or SEEK_DB; `useradmin add` creates one)", null);
            }
        }
        String url = StoreDialect.jdbcUrl(dbSetting);
        Map<String, String> settings = new HashMap<>();
        settings.put("db.source", "jdbc");
        settings.put("db.connection.url", url);
        settings.put("db.connection.poolName", "seek-auth");
        settings.put("db.connection.connectionTimeout", "5000");
        StoreDialect.forUrl(url).poolProperties().forEach((key, value) -> settings.put("db.connection." + key, value));
        Config config = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(settings))
                .build();
        DbClient db;
        try {
            db = DbClient.builder(config.get("db")).statements(Statements.all()).build();
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + dbSetting + ": " + rootMessage(e), e);
        }
        var store = new Store(db);
        store.run(() -> {
            Schema.migrate(db);
            return null;
        });
        return store;
    }

    public Optional<User> findUser(String username) {
        return run(() -> db.execute().createNamedGet("get-user").addParam("username", username).execute().map(Store::user));
    }

    public Optional<String> findMachineOwner(String machineId) {
        return run(() -> db.execute().createNamedGet("get-machine-owner").addParam("machine_id", machineId).execute()
                .map(row -> text(row, "username")));
    }

    public List<User> listUsers() {
        return run(() -> {
            try (var rows = db.execute().createNamedQuery("list-users").execute()) {
                return rows.map(Store::user).toList();
            }
        });
    }

    /** Adds a user; false when the username is taken. */
    public boolean addUser(String username, String passwordHash) {
        try {
            return run(() -> db.execute().createNamedInsert("insert-user")
                    .addParam("username", username)
                    .addParam("password_hash", passwordHash)
                    .addParam("now", now())
                    .execute()) == 1;
        } catch (StoreException e) {
            if (StoreDialect.isConstraintViolation(e)) return false;
            throw e;
        }
    }

    /** Binds an unbound user to a free machine; false when either is taken (or the user is gone). */
    public boolean bind(String username, String machineId) {
        try {
            return update("bind-machine", Map.of("username", username, "machine_id", machineId, "now", now())) == 1;
        } catch (StoreException e) {
            if (StoreDialect.isConstraintViolation(e)) return false;
            throw e;
        }
    }

    /** Records a successful check; false when the user is no longer bound to that machine. */
    public boolean recordCheck(String username, String machineId) {
        return update("record-check", Map.of("username", username, "machine_id", machineId, "now", now())) == 1;
    }

    /** Replaces a verified hash with a stronger one, unless the hash changed meanwhile. */
    public boolean replaceHash(String username, String oldHash, String newHash) {
        return update("replace-hash", Map.of("username", username, "old_hash", oldHash, "new_hash", newHash)) == 1;
    }

    /** Sets a new password hash; false when there is no such user. The binding stays. */
    public boolean setPassword(String username, String passwordHash) {
        return update("set-password", Map.of("username", username, "password_hash", passwordHash)) == 1;
    }

    /** Releases the user's machine; false when the user was not bound (or does not exist). */
    public boolean unbind(String username) {
        return update("unbind", Map.of("username", username)) == 1;
    }

    /** Deletes the user and with it the binding; false when there is no such user. */
    public boolean deleteUser(String username) {
        return update("delete-user", Map.of("username", username)) == 1;
    }

    @Override
    public void close() {
        db.close();
    }

    private long update(String statement, Map<String, Object> params) {
        return run(() -> db.execute().createNamedUpdate(statement).params(params).execute());
    }

    private static String now() {
        return Instant.now().toString();
    }

    private interface StoreCall<T> {
        T call();
    }

    private static <T> T run(StoreCall<T> call) {
        try {
            return call.call();
        } catch (DbClientException | IllegalStateException e) {
            throw new StoreException(rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static User user(DbRow row) {
        return new User(text(row, "username"), text(row, "password_hash"), instant(row, "created_at"),
                text(row, "machine_id"), instant(row, "bound_at"), instant(row, "last_check_at"));
    }

    private static String text(DbRow row, String column) {
        return row.column(column).get(String.class);
    }

    private static Instant instant(DbRow row, String column) {
        String value = text(row, column);
        return value == null ? null : Instant.parse(value);
    }
}
