import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    static final String M1 = "1".repeat(64);
    static final String M2 = "2".repeat(64);

    @TempDir Path dir;
    Path file;
    Store store;

    @BeforeEach
    void open() {
        file = dir.resolve("store.db");
        store = Store.open(file.toString());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void createsTheFileAndRecordsTheSchemaVersion() throws SQLException {
        assertTrue(file.toFile().isFile());
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
             var rs = c.createStatement().executeQuery("SELECT version FROM schema_version")) {
            assertTrue(rs.next());
            assertEquals(Schema.latestVersion(), rs.getInt(1));
            assertFalse(rs.next(), "one version row");
        }
    }

    @Test
    void addsAndFindsUsersOnce() {
        assertTrue(store.addUser("alice", "hash-a"));
        assertFalse(store.addUser("alice", "hash-b"));
        var alice = store.findUser("alice").orElseThrow();
        assertEquals("hash-a", alice.passwordHash());
        assertFalse(alice.isBound());
        assertNotNull(alice.createdAt());
        assertTrue(store.findUser("bob").isEmpty());
    }

    @Test
    void bindsOneUserToOneMachine() {
        store.addUser("alice", "h");
        store.addUser("bob", "h");
        assertTrue(StoreFixtures.bind(store, "alice", M1));
        assertFalse(StoreFixtures.bind(store, "alice", M2), "a bound user cannot bind again");
        assertFalse(StoreFixtures.bind(store, "bob", M1), "a bound machine cannot take another user");
        assertEquals("alice", store.findMachineOwner(M1).orElseThrow());
        var alice = store.findUser("alice").orElseThrow();
        assertEquals(M1, alice.machineId());
        assertNotNull(alice.boundAt());
        assertFalse(StoreFixtures.bind(store, "nobody", M2));
    }

    @Test
    void unbindAndDeleteReleaseTheMachine() {
        store.addUser("alice", "h");
        store.addUser("bob", "h");
        StoreFixtures.bind(store, "alice", M1);
        assertTrue(store.unbind("alice"));
        assertFalse(store.unbind("alice"), "already unbound");
        assertTrue(StoreFixtures.bind(store, "bob", M1));
        assertTrue(store.deleteUser("bob"));
        assertFalse(store.deleteUser("bob"));
        assertTrue(store.findMachineOwner(M1).isEmpty());
    }

    @Test
    void recordCheckOnlyForTheBoundMachine() {
        store.addUser("alice", "h");
        StoreFixtures.bind(store, "alice", M1);
        long stamp = stamp("alice");
        assertTrue(store.recordCheck("alice", M1, null, stamp, Instant.now()));
        assertFalse(store.recordCheck("alice", M2, null, stamp, Instant.now()));
        assertNotNull(store.findUser("alice").orElseThrow().lastCheckAt());
    }

    @Test
    void theWritesOfACheckHoldOnlyWhileTheVerifiedPasswordIsStillStored() {
        store.addUser("alice", "verified");
        store.addUser("bob", "verified");
        long aliceVerified = stamp("alice");
        long bobVerified = stamp("bob");
        store.setPassword("alice", "changed by an admin");
        assertFalse(store.bind("alice", M1, null, aliceVerified, Instant.now()), "no bind after a password change");
        assertTrue(store.findMachineOwner(M1).isEmpty());
        assertTrue(store.bind("bob", M2, null, bobVerified, Instant.now()));
        store.setPassword("bob", "changed by an admin");
        assertFalse(store.recordCheck("bob", M2, null, bobVerified, Instant.now()), "no record of a check after a password change");
        assertEquals(store.findUser("bob").orElseThrow().boundAt(), store.findUser("bob").orElseThrow().lastCheckAt());
    }

    @Test
    void aNewPasswordOrANewUserGetsANewStampAndARehashKeepsIt() {
        store.addUser("alice", "first");
        long first = stamp("alice");
        assertTrue(store.replaceHash("alice", "first", "rehashed"));
        assertEquals(first, stamp("alice"), "a rehash is the same password");
        store.setPassword("alice", "second");
        assertNotEquals(first, stamp("alice"));
        long second = stamp("alice");
        store.deleteUser("alice");
        store.addUser("alice", "second");
        assertNotEquals(second, stamp("alice"), "deleted and added again: another password, as far as a check is concerned");
    }

    long stamp(String user) {
        return store.findUser(user).orElseThrow().passwordStamp();
    }

    @Test
    void replaceHashOnlyReplacesTheVerifiedHash() {
        store.addUser("alice", "old");
        assertTrue(store.setPassword("alice", "admin-set"));
        assertFalse(store.replaceHash("alice", "old", "rehashed"), "an admin's change wins");
        assertTrue(store.replaceHash("alice", "admin-set", "rehashed"));
        assertEquals("rehashed", store.findUser("alice").orElseThrow().passwordHash());
        assertFalse(store.setPassword("nobody", "x"));
    }

    @Test
    void listsUsersInOrder() {
        store.addUser("carol", "h");
        store.addUser("alice", "h");
        assertEquals(java.util.List.of("alice", "carol"), store.listUsers().stream().map(Store.User::username).toList());
    }

    @Test
    void dataSurvivesReopening() {
        store.addUser("alice", "h");
        StoreFixtures.bind(store, "alice", M1);
        store.close();
        store = Store.open(file.toString());
        assertEquals(M1, store.findUser("alice").orElseThrow().machineId());
    }

    @Test
    void theDatabaseItselfRefusesASecondUserOnOneMachine() throws SQLException {
        store.addUser("alice", "h");
        store.addUser("bob", "h");
        StoreFixtures.bind(store, "alice", M1);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            var e = assertThrows(SQLException.class,
                    () -> c.createStatement().executeUpdate("UPDATE users SET machine_id = '" + M1 + "', bound_at = 'x' WHERE username = 'bob'"));
            assertTrue(StoreDialect.isConstraintViolation(e), e.toString());
        }
    }

    @Test
    void concurrentBindsLeaveExactlyOneBinding() throws Exception {
        for (int i = 0; i < 16; i++) store.addUser("user" + i, "h");
        var tasks = new ArrayList<Callable<Boolean>>();
        for (int i = 0; i < 16; i++) {
            String user = "user" + i;
            long stamp = stamp(user);
            tasks.add(() -> store.bind(user, M1, null, stamp, Instant.now()));
        }
        try (var pool = Executors.newFixedThreadPool(16)) {
            long winners = pool.invokeAll(tasks).stream().filter(f -> {
                try { return f.get(); } catch (Exception e) { throw new AssertionError(e); }
            }).count();
            assertEquals(1, winners);
        }
        assertEquals(1, store.listUsers().stream().filter(Store.User::isBound).count());
    }

    @Test
    void aMissingFolderIsAClearStoreError() {
        var e = assertThrows(Store.StoreException.class, () -> Store.open(dir.resolve("no/such/folder/x.db").toString()));
        assertTrue(e.getMessage().startsWith("cannot open the store at "), e.getMessage());
    }

    @Test
    void aStoreThatOthersCanReadOrWriteIsWarnedAboutFileByFile() throws Exception {
        Path db = dir.resolve("exposure.db");
        Store.open(db.toString()).close();
        assertEquals(java.util.Optional.empty(), Store.exposure(db.toString()), "owner-only, as made");
        java.nio.file.Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w----"));
        assertTrue(Store.exposure(db.toString()).orElseThrow().startsWith("the store file " + db + " can be read or written by other users (rw--w----)"),
                "a write bit for the group counts");
        java.nio.file.Files.setPosixFilePermissions(db, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path wal = dir.resolve("exposure.db-wal");
        java.nio.file.Files.writeString(wal, "");
        java.nio.file.Files.setPosixFilePermissions(wal, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(Store.exposure(db.toString()).orElseThrow().startsWith("the store file " + wal + " can be read or written"),
                "the -wal file holds the latest writes");
    }
}
