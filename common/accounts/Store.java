//DEPS io.helidon:helidon-dependencies:4.5.0@pom
//DEPS io.helidon.dbclient:helidon-dbclient
//DEPS io.helidon.dbclient:helidon-dbclient-jdbc
//DEPS io.helidon.config:helidon-config
//DEPS org.xerial:sqlite-jdbc:3.53.4.0
//DEPS org.postgresql:postgresql:42.7.14
// Hikari logs through SLF4J: this binding hands its lines to java.util.logging (see Logging).
//DEPS org.slf4j:slf4j-jdk14:2.0.16
//RUNTIME_OPTIONS --enable-native-access=ALL-UNNAMED

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
 * JDBC with a HikariCP pool ({@link ConnectionPool}), SQLite by default. Every method is one statement, so
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

    /**
     * One row of the users table. machineId, boundAt and lastCheckAt may be null; deviceKey
     * (base64url of the bound key's point) is null for an unbound user or a binding made
     * by a version-1 header. passwordStamp changes with every new password (add, passwd) and
     * stays through a rehash: the writes of a check are conditional on it. keyAddedAt is when a
     * version-2 login pinned deviceKey to a binding made without one; null otherwise.
     */
    public record User(String username, String passwordHash, Instant createdAt,
                       String machineId, Instant boundAt, Instant lastCheckAt, String deviceKey, long passwordStamp,
                       Instant keyAddedAt) {
        public boolean isBound() {
            return machineId != null;
        }

        /** When the binding was last used: its last successful check, else its binding time; null when unbound. */
        public Instant lastUse() {
            return lastCheckAt != null ? lastCheckAt : boundAt;
        }

        @Override
        public String toString() {
            return "User[" + username + (isBound() ? ", bound to " + Credentials.shortMachineId(machineId) : ", unbound") + "]";
        }
    }

    /**
     * One failure counter of contract section 3, as stored. Times are epoch milliseconds (0: never).
     * A counter with no failures, no window and nothing in flight is deleted rather than kept.
     */
    public record Counter(String key, int failures, long lastFailureAt, int inFlight, long inFlightAt,
                          long windowStart, int windowFailures, long forgetAt) {
        static Counter empty(String key) {
            return new Counter(key, 0, 0, 0, 0, 0, 0, 0);
        }

        public boolean isEmpty() {
            return failures == 0 && inFlight == 0 && windowFailures == 0;
        }
    }

    /** The client in use; replaced by a fresh one after a SQLite transaction failed (see {@link #renewAfterFailedTransaction}). */
    private volatile DbClient db;
    private final java.util.function.Supplier<DbClient> connect;
    private final String name;
    private final StoreDialect dialect;
    /** Connections taken from the pool so far: one per statement run alone, one per transaction. */
    private final java.util.concurrent.atomic.LongAdder connectionsTaken;

    private Store(java.util.function.Supplier<DbClient> connect, String name, StoreDialect dialect,
                  java.util.concurrent.atomic.LongAdder connectionsTaken) {
        this.connectionsTaken = connectionsTaken;
        this.connect = connect;
        this.db = connect.get();
        this.name = name;
        this.dialect = dialect;
    }

    /** Opens (creating the SQLite file when needed) and migrates the store named by a --db setting. */
    public static Store open(String dbSetting) {
        return open(dbSetting, null, true);
    }

    /**
     * Like {@link #open(String)}, with the database password (SEEK_DB_PASSWORD), which wins
     * over one inside the URL; null when there is none.
     */
    public static Store open(String dbSetting, String password) {
        return open(dbSetting, password, true);
    }

    /**
     * Opens the store only if it exists: for commands that read or change existing users,
     * where a mistyped path or another working folder must not yield a new, empty store.
     */
    public static Store openExisting(String dbSetting, String password) {
        return open(dbSetting, password, false);
    }

    /** The SQLite file that open() would create for this setting, if it does not exist yet. */
    public static Optional<java.nio.file.Path> fileToCreate(String dbSetting) {
        return StoreDialect.sqliteFile(StoreDialect.jdbcUrl(dbSetting)).filter(file -> !java.nio.file.Files.exists(file));
    }

    private static Store open(String dbSetting, String password, boolean create) {
        String shown = StoreDialect.redacted(dbSetting);
        if (!create) {
            var missing = fileToCreate(dbSetting);
            if (missing.isPresent()) {
                throw new StoreException("no store at " + missing.get() + " (give --db or SEEK_DB; `useradmin add` creates one)", null);
            }
        }
        String url = StoreDialect.jdbcUrl(dbSetting);
        StoreDialect dialect = StoreDialect.forUrl(url);
        if (create) {
            var newFile = fileToCreate(dbSetting);
            if (newFile.isPresent()) createOwnerOnly(newFile.get(), shown);
        }
        var statements = Statements.all(dialect);
        Store store;
        var taken = new java.util.concurrent.atomic.LongAdder();
        try {
            store = new Store(() -> io.helidon.dbclient.jdbc.JdbcClientBuilder.create()
                    .connectionPool(ConnectionPool.open(url, password, dialect, taken))
                    .statements(statements)
                    .build(), shown, dialect, taken);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + shown + ": " + rootMessage(e), e);
        }
        try {
            run(() -> {
                Schema.migrate(store.db, dialect);
                return null;
            });
        } catch (StoreException e) {
            store.close();
            throw new StoreException("cannot open the store at " + shown + ": " + e.getMessage(), e);
        }
        return store;
    }

    /**
     * Makes the empty SQLite file readable and writable by its owner only (0600), whatever
     * the umask: it will hold every password hash and machine ID. SQLite gives its -wal and
     * -shm files the permissions of the database file.
     */
    private static void createOwnerOnly(java.nio.file.Path file, String shown) {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                var ownerOnly = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
                java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(ownerOnly));
                java.nio.file.Files.setPosixFilePermissions(file, ownerOnly);  // the umask may have taken bits away
            } else {
                java.nio.file.Files.createFile(file);  // Windows: the folder's access rules apply
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // Another program made it first, the same way.
        } catch (java.io.IOException e) {
            throw new StoreException("cannot open the store at " + shown + ": cannot create " + file + " ("
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such folder" : e.getMessage()) + ")", e);
        }
    }

    /**
     * For a SQLite store that other users may read or write (the file, or its -wal or -shm
     * file, which hold the latest writes): what to tell the operator, naming the first such file.
     */
    public static Optional<String> exposure(String dbSetting) {
        var file = StoreDialect.sqliteFile(StoreDialect.jdbcUrl(dbSetting));
        if (file.isEmpty()) return Optional.empty();
        var others = java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
                java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        for (String suffix : List.of("", "-wal", "-shm")) {
            var path = file.get().resolveSibling(file.get().getFileName() + suffix);
            try {
                if (!java.nio.file.Files.exists(path)) continue;
                var permissions = java.nio.file.Files.getPosixFilePermissions(path);
                if (java.util.Collections.disjoint(permissions, others)) continue;
                return Optional.of("the store file " + path + " can be read or written by other users ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(permissions)
                        + "), and the store holds password hashes and machine IDs; chmod 600 it and its -wal and -shm files");
            } catch (UnsupportedOperationException | java.io.IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** How many connections the store has taken from its pool: each a round trip's worth of work, a transaction or a lone statement. */
    public long connectionsTaken() {
        return connectionsTaken.sum();
    }

    /** The --db setting this store was opened with, any password in it shown as ***. */
    public String name() {
        return name;
    }

    /** Asks the database a trivial question; throws {@link StoreException} when it does not answer. */
    public void ping() {
        run(() -> db.execute().get("SELECT 1 AS one"));
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
        return unlessTaken(() -> run(() -> db.execute().createNamedInsert("insert-user")
                .addParam("username", username)
                .addParam("password_hash", passwordHash)
                .addParam("now", now())
                .addParam("stamp", newStamp())
                .execute()) == 1);
    }

    /**
     * Binds an unbound user to a free machine, and to this device key (null: none), while the
     * user's password is still the one verified (verifiedStamp); false when either is taken, the user is gone, or the
     * password changed meanwhile.
     */
    public boolean bind(String username, String machineId, String deviceKey, long verifiedStamp, Instant now) {
        var params = new HashMap<String, Object>(Map.of("username", username, "machine_id", machineId, "now", now.toString(),
                "verified_stamp", verifiedStamp));
        if (deviceKey != null) params.put("device_key", deviceKey);
        return unlessTaken(() -> update(deviceKey == null ? "bind-machine" : "bind-device", params) == 1);
    }

    /**
     * Records a successful check; false when the user is no longer bound to that machine with
     * that device key (null: a binding without one), or its hash changed.
     */
    public boolean recordCheck(String username, String machineId, String deviceKey, long verifiedStamp, Instant now) {
        return inTransaction(tx -> tx.recordCheck(username, machineId, deviceKey, verifiedStamp, now));
    }

    /**
     * Moves the user's binding from releasedMachine, last used at lastUse, to a free machine and
     * this device key (null: none); false when the binding changed or was used since, the
     * machine is taken, or the hash changed.
     */
    public boolean moveBinding(String username, String releasedMachine, Instant lastUse, String machineId, String deviceKey,
                               long verifiedStamp, Instant now) {
        var params = new HashMap<String, Object>(Map.of("username", username, "released_machine", releasedMachine,
                "last_use", lastUse.toString(), "machine_id", machineId, "now", now.toString(), "verified_stamp", verifiedStamp));
        if (deviceKey != null) params.put("device_key", deviceKey);
        return unlessTaken(() -> update(deviceKey == null ? "move-machine" : "move-device", params) == 1);
    }

    /**
     * Gives a binding made without a device key this one, and records the check; false when
     * the binding has a key already, is gone, or the hash changed.
     */
    public boolean addDeviceKey(String username, String machineId, String deviceKey, long verifiedStamp, Instant now) {
        return update("add-device-key", Map.of("username", username, "machine_id", machineId, "device_key", deviceKey,
                "now", now.toString(), "verified_stamp", verifiedStamp)) == 1;
    }

    /**
     * Records a proof's nonce for its key, with the proof's time (epoch ms); false when it was
     * recorded already for a proof whose time is at or after forgottenBefore, on any instance:
     * the proof was used before.
     */
    public boolean recordNonce(String deviceKey, String nonce, long proofTime, long now, long forgottenBefore) {
        return inTransaction(tx -> tx.recordNonce(deviceKey, nonce, proofTime, now, forgottenBefore));
    }

    /** Deletes the nonces of proofs whose time (epoch ms) is before this; returns how many. */
    public long deleteNoncesBefore(long forgottenBefore) {
        return update("delete-old-nonces", Map.of("forgotten_before", forgottenBefore));
    }

    /** Replaces a verified hash with a stronger one, unless the hash changed meanwhile. */
    public boolean replaceHash(String username, String oldHash, String newHash) {
        return update("replace-hash", Map.of("username", username, "old_hash", oldHash, "new_hash", newHash)) == 1;
    }

    /** Sets a new password hash; false when there is no such user. The binding stays. */
    public boolean setPassword(String username, String passwordHash) {
        return update("set-password", Map.of("username", username, "password_hash", passwordHash, "stamp", newStamp())) == 1;
    }

    /** Releases the user's machine; false when the user was not bound (or does not exist). */
    public boolean unbind(String username) {
        return update("unbind", Map.of("username", username)) == 1;
    }

    /** Deletes the user and with it the binding; false when there is no such user. */
    public boolean deleteUser(String username) {
        return update("delete-user", Map.of("username", username)) == 1;
    }

    /**
     * The statements of one transaction, for a decision that makes several at once (contract
     * section 3: a check's reads and reservations before its hash, its settling and record
     * after it). Each is the store method of the same name, inside the transaction.
     */
    public static final class Tx {
        private final io.helidon.dbclient.DbTransaction tx;

        private Tx(io.helidon.dbclient.DbTransaction tx) {
            this.tx = tx;
        }

        /** See {@link Store#recordNonce}. */
        public boolean recordNonce(String deviceKey, String nonce, long proofTime, long now, long forgottenBefore) {
            return tx.createNamedUpdate("record-nonce").params(Map.of("device_key", deviceKey, "nonce", nonce, "proof_time", proofTime,
                    "now", now, "forgotten_before", forgottenBefore)).execute() == 1;
        }

        /** See {@link Store#findUser}. */
        public Optional<User> findUser(String username) {
            return tx.createNamedGet("get-user").addParam("username", username).execute().map(Store::user);
        }

        /** See {@link Store#recordCheck}. */
        public boolean recordCheck(String username, String machineId, String deviceKey, long verifiedStamp, Instant now) {
            var params = new HashMap<String, Object>(Map.of("username", username, "machine_id", machineId, "now", now.toString(),
                    "verified_stamp", verifiedStamp));
            if (deviceKey != null) params.put("device_key", deviceKey);
            return tx.createNamedUpdate(deviceKey == null ? "record-check" : "record-device-check").params(params).execute() == 1;
        }

        /**
         * The counter of this key, made when absent and locked to the end of the transaction.
         * A transaction that takes several takes them in sorted order.
         */
        public Counter lockCounter(String key) {
            return tx.createNamedGet("lock-counter").addParam("counter_key", key).execute().map(Store::counter).orElseThrow();
        }

        /** Stores this counter if its key has none yet (it is then locked to the end of the transaction); false when it has one. */
        public boolean insertCounterIfAbsent(Counter counter) {
            return tx.createNamedInsert("insert-counter-if-absent").params(counterParams(counter)).execute() == 1;
        }

        /**
         * Deletes the counter of this key if all it holds is one attempt's slot, reserved at
         * reservedSince or later (epoch ms), and that attempt's one failure: what settling that
         * attempt other than as a failure would leave empty. False when it holds more, or is absent.
         */
        public boolean deleteLoneReservation(String key, long reservedSince) {
            return tx.createNamedDelete("delete-lone-reservation").addParam("counter_key", key)
                    .addParam("reserved_since", reservedSince).execute() == 1;
        }

        /** Writes these counters back; an empty one is deleted. */
        public void writeCounters(List<Counter> counters) {
            for (Counter counter : counters) {
                if (counter.isEmpty()) {
                    tx.createNamedDelete("delete-counter").addParam("counter_key", counter.key()).execute();
                } else {
                    tx.createNamedUpdate("update-counter").params(counterParams(counter)).execute();
                }
            }
        }
    }

    /**
     * Runs work in one transaction and commits it; nothing of it is written when it fails.
     * A transaction that PostgreSQL chose to break a deadlock (it wrote nothing) runs once more.
     * Throws {@link StoreException}.
     */
    public <T> T inTransaction(java.util.function.Function<Tx, T> work) {
        try {
            return inTransactionOnce(work);
        } catch (StoreException e) {
            if (StoreDialect.isDeadlock(e)) return inTransactionOnce(work);
            throw e;
        }
    }

    private <T> T inTransactionOnce(java.util.function.Function<Tx, T> work) {
        return run(() -> {
            var tx = db.transaction();
            try {
                T result = work.apply(new Tx(tx));
                tx.commit();
                return result;
            } catch (RuntimeException e) {
                rollbackQuietly(tx);
                renewAfterFailedTransaction();
                throw e;
            }
        });
    }

    /**
     * When SQLite cannot begin a transaction (another process held the write lock past the busy
     * timeout), sqlite-jdbc is left believing one is open: every later statement on that
     * connection fails, and the pool's one connection is never given back. A fresh client is
     * made for the requests that follow; the old one is closed aside, off the request's path.
     */
    private void renewAfterFailedTransaction() {
        if (dialect != StoreDialect.SQLITE) return;
        DbClient old;
        synchronized (this) {
            old = db;
            db = connect.get();
        }
        var closer = new Thread(old::close, "seek-store-renewal");
        closer.setDaemon(true);
        closer.start();
    }

    /**
     * Deletes counters forgotten before now, unless an attempt on them is in flight since
     * staleBefore or later. On PostgreSQL it skips rows that an attempt holds locked just then
     * (they are swept next time), so it never waits on an attempt, nor an attempt on it.
     */
    public long deleteForgottenCounters(long now, long staleBefore) {
        return update("delete-forgotten-counters", Map.of("now", now, "stale_before", staleBefore));
    }

    /** Deletes these counters; returns how many there were. */
    public long deleteCounters(List<String> keys) {
        long deleted = 0;
        for (String key : keys) deleted += update("delete-counter", Map.of("counter_key", key));
        return deleted;
    }

    public long countCounters() {
        return run(() -> db.execute().createNamedGet("count-counters").execute()
                .map(row -> row.column("n").get(Number.class).longValue()).orElse(0L));
    }

    @Override
    public void close() {
        db.close();
    }

    /** The write's answer, or false when a unique constraint refused it (the name or machine is taken). */
    private static boolean unlessTaken(java.util.function.BooleanSupplier write) {
        try {
            return write.getAsBoolean();
        } catch (StoreException e) {
            if (StoreDialect.isConstraintViolation(e)) return false;
            throw e;
        }
    }

    private static void rollbackQuietly(io.helidon.dbclient.DbTransaction tx) {
        try {
            tx.rollback();
        } catch (RuntimeException alreadyFailed) {
            // The connection is gone with the failure that brought us here; that one is reported.
        }
    }

    private static Map<String, Object> counterParams(Counter c) {
        return Map.of("counter_key", c.key(), "failures", c.failures(), "last_failure_at", c.lastFailureAt(),
                "in_flight", c.inFlight(), "in_flight_at", c.inFlightAt(), "window_start", c.windowStart(),
                "window_failures", c.windowFailures(), "forget_at", c.forgetAt());
    }

    private static Counter counter(DbRow row) {
        return new Counter(text(row, "counter_key"), number(row, "failures").intValue(), number(row, "last_failure_at").longValue(),
                number(row, "in_flight").intValue(), number(row, "in_flight_at").longValue(),
                number(row, "window_start").longValue(), number(row, "window_failures").intValue(),
                number(row, "forget_at").longValue());
    }

    private static Number number(DbRow row, String column) {
        return row.column(column).get(Number.class);
    }

    private long update(String statement, Map<String, Object> params) {
        return run(() -> db.execute().createNamedUpdate(statement).params(params).execute());
    }

    private static final java.security.SecureRandom STAMPS = new java.security.SecureRandom();

    /** A new password's stamp: random, so a user deleted and added again never gets an old one back. */
    private static long newStamp() {
        return STAMPS.nextLong();
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
                text(row, "machine_id"), instant(row, "bound_at"), instant(row, "last_check_at"), text(row, "device_key"),
                number(row, "password_stamp").longValue(), instant(row, "key_added_at"));
    }

    private static String text(DbRow row, String column) {
        return row.column(column).get(String.class);
    }

    private static Instant instant(DbRow row, String column) {
        String value = text(row, column);
        return value == null ? null : Instant.parse(value);
    }
}
