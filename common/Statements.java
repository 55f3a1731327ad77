import io.helidon.dbclient.DbStatements;

/** Every SQL statement seek-auth runs, by name, in one place. Portable SQL: SQLite and PostgreSQL. */
final class Statements {

    private Statements() {}

    static final String USER_COLUMNS = "username, password_hash, created_at, machine_id, bound_at, last_check_at";

    static DbStatements all() {
        return DbStatements.builder()
                .addStatement("get-user", "SELECT " + USER_COLUMNS + " FROM users WHERE username = :username")
                .addStatement("get-machine-owner", "SELECT username FROM users WHERE machine_id = :machine_id")
                .addStatement("list-users", "SELECT " + USER_COLUMNS + " FROM users ORDER BY username")
                .addStatement("insert-user", """
                        INSERT INTO users (username, password_hash, created_at)
                        VALUES (:username, :password_hash, :now)""")
                // The bind: one conditional statement. The unique constraint on machine_id
                // backs it up on databases where NOT EXISTS cannot see a concurrent insert.
                .addStatement("bind-machine", """
                        UPDATE users SET machine_id = :machine_id, bound_at = :now, last_check_at = :now
                        WHERE username = :username AND machine_id IS NULL
                          AND NOT EXISTS (SELECT 1 FROM users WHERE machine_id = :machine_id)""")
                .addStatement("record-check", """
                        UPDATE users SET last_check_at = :now
                        WHERE username = :username AND machine_id = :machine_id""")
                // Only replaces the hash that was verified, never one an admin set meanwhile.
                .addStatement("replace-hash", """
                        UPDATE users SET password_hash = :new_hash
                        WHERE username = :username AND password_hash = :old_hash""")
                .addStatement("set-password", "UPDATE users SET password_hash = :password_hash WHERE username = :username")
                .addStatement("unbind", """
                        UPDATE users SET machine_id = NULL, bound_at = NULL
                        WHERE username = :username AND machine_id IS NOT NULL""")
                .addStatement("delete-user", "DELETE FROM users WHERE username = :username")
                .build();
    }
}
