import io.helidon.dbclient.DbStatements;

/** Every SQL statement seek-auth runs, by name, in one place. Portable SQL: SQLite and PostgreSQL. */
final class Statements {

    private Statements() {}

    static final String USER_COLUMNS = "username, password_hash, created_at, machine_id, bound_at, last_check_at, device_key, password_stamp, key_added_at";

    static final String COUNTER_COLUMNS =
            "counter_key, failures, last_failure_at, in_flight, in_flight_at, window_start, window_failures, forget_at";

    static DbStatements all(StoreDialect dialect) {
        return DbStatements.builder()
                .addStatement("get-user", "SELECT " + USER_COLUMNS + " FROM users WHERE username = :username")
                .addStatement("get-machine-owner", "SELECT username FROM users WHERE machine_id = :machine_id")
                .addStatement("list-users", "SELECT " + USER_COLUMNS + " FROM users ORDER BY username")
                .addStatement("insert-user", """
                        INSERT INTO users (username, password_hash, created_at, password_stamp)
                        VALUES (:username, :password_hash, :now, :stamp)""")
                // The bind: one conditional statement. The unique constraint on machine_id
                // backs it up on databases where NOT EXISTS cannot see a concurrent insert.
                // Both writes of a check hold only while the password is still the one just verified
                // (its stamp, which a rehash keeps): a password changed, or a user deleted and
                // re-added, meanwhile writes nothing.
                .addStatement("bind-machine", """
                        UPDATE users SET machine_id = :machine_id, device_key = NULL, key_added_at = NULL, bound_at = :now, last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id IS NULL
                          AND NOT EXISTS (SELECT 1 FROM users WHERE machine_id = :machine_id)""")
                .addStatement("bind-device", """
                        UPDATE users SET machine_id = :machine_id, device_key = :device_key, key_added_at = NULL, bound_at = :now, last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id IS NULL
                          AND NOT EXISTS (SELECT 1 FROM users WHERE machine_id = :machine_id)""")
                // The record of a check also holds only while the binding's key is the one decided on.
                .addStatement("record-check", """
                        UPDATE users SET last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id = :machine_id
                          AND device_key IS NULL""")
                .addStatement("record-device-check", """
                        UPDATE users SET last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id = :machine_id
                          AND device_key = :device_key""")
                // A binding made without a key takes the key of its first proof, once.
                .addStatement("add-device-key", """
                        UPDATE users SET device_key = :device_key, key_added_at = :now, last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id = :machine_id
                          AND device_key IS NULL""")
                // An idle binding moves to the user's new machine (contract section 9): only while it is
                // still bound where it was and still as idle as it was read, so two machines racing
                // to take it over leave it with one; the new machine must be free, as for a first bind.
                .addStatement("move-machine", """
                        UPDATE users SET machine_id = :machine_id, device_key = NULL, key_added_at = NULL, bound_at = :now, last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id = :released_machine
                          AND COALESCE(last_check_at, bound_at) = :last_use
                          AND NOT EXISTS (SELECT 1 FROM users WHERE machine_id = :machine_id)""")
                .addStatement("move-device", """
                        UPDATE users SET machine_id = :machine_id, device_key = :device_key, key_added_at = NULL, bound_at = :now, last_check_at = :now
                        WHERE username = :username AND password_stamp = :verified_stamp AND machine_id = :released_machine
                          AND COALESCE(last_check_at, bound_at) = :last_use
                          AND NOT EXISTS (SELECT 1 FROM users WHERE machine_id = :machine_id)""")
                // Only replaces the hash that was verified, never one an admin set meanwhile.
                .addStatement("replace-hash", """
                        UPDATE users SET password_hash = :new_hash
                        WHERE username = :username AND password_hash = :old_hash""")
                .addStatement("set-password", "UPDATE users SET password_hash = :password_hash, password_stamp = :stamp WHERE username = :username")
                .addStatement("unbind", """
                        UPDATE users SET machine_id = NULL, device_key = NULL, key_added_at = NULL, bound_at = NULL
                        WHERE username = :username AND machine_id IS NOT NULL""")
                .addStatement("delete-user", "DELETE FROM users WHERE username = :username")
                // Failure counters: made when first needed, then read under a row lock, decided on
                // and written back in one transaction, so concurrent attempts on any instance queue.
                // Made and locked in one statement: the update that changes nothing takes the row's
                // lock to the end of the transaction (SQLite's write lock is taken already).
                .addStatement("lock-counter", "INSERT INTO failure_counters (" + COUNTER_COLUMNS + ")"
                        + " VALUES (:counter_key, 0, 0, 0, 0, 0, 0, 0)"
                        + " ON CONFLICT (counter_key) DO UPDATE SET counter_key = excluded.counter_key"
                        + " RETURNING " + COUNTER_COLUMNS)
                // A first attempt on a key: its counter made, already reserved, in one statement.
                .addStatement("insert-counter-if-absent", """
                        INSERT INTO failure_counters (""" + COUNTER_COLUMNS + """
                        ) VALUES (:counter_key, :failures, :last_failure_at, :in_flight, :in_flight_at, :window_start,
                            :window_failures, :forget_at)
                        ON CONFLICT (counter_key) DO NOTHING""")
                // The settling of a lone attempt that did not fail: nothing is left to keep.
                .addStatement("delete-lone-reservation", """
                        DELETE FROM failure_counters
                        WHERE counter_key = :counter_key AND in_flight = 1 AND in_flight_at >= :reserved_since
                          AND failures = 1 AND window_failures <= 1""")
                .addStatement("update-counter", """
                        UPDATE failure_counters SET failures = :failures, last_failure_at = :last_failure_at,
                            in_flight = :in_flight, in_flight_at = :in_flight_at, window_start = :window_start,
                            window_failures = :window_failures, forget_at = :forget_at
                        WHERE counter_key = :counter_key""")
                .addStatement("delete-counter", "DELETE FROM failure_counters WHERE counter_key = :counter_key")
                .addStatement("delete-forgotten-counters", """
                        DELETE FROM failure_counters WHERE counter_key IN (
                            SELECT counter_key FROM failure_counters
                            WHERE forget_at < :now AND (in_flight = 0 OR in_flight_at < :stale_before)""" + dialect.lockFreeRows() + ")")
                .addStatement("count-counters", "SELECT COUNT(*) AS n FROM failure_counters")
                // A proof's nonce, recorded on its first use: the primary key refuses a second use,
                // on every instance at once. A record whose proof's time is old enough to be
                // forgotten is taken over.
                .addStatement("record-nonce", """
                        INSERT INTO proof_nonces (device_key, nonce, seen_at, proof_time) VALUES (:device_key, :nonce, :now, :proof_time)
                        ON CONFLICT (device_key, nonce) DO UPDATE SET seen_at = :now, proof_time = :proof_time
                        WHERE proof_nonces.proof_time < :forgotten_before""")
                .addStatement("delete-old-nonces", "DELETE FROM proof_nonces WHERE proof_time < :forgotten_before")
                .build();
    }
}
