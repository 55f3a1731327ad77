import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin operations, the password input rules and the listing, directly. */
class UserAdminTest {

    static final String M1 = "ab".repeat(32);
    static final String M2 = "cd".repeat(32);

    @TempDir Path dir;
    Store store;
    UserAdmin admin;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("admin.db").toString());
        admin = new UserAdmin(store, TestServer.HASHER, new FailureBudgets(store));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static String refusal(ThrowingCall call) {
        return assertThrows(UserAdmin.Refused.class, call::run).getMessage();
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void addStoresTheCanonicalNameAndAnArgon2idHash() throws Exception {
        assertEquals("alice", admin.add("Alice", "correct horse"));
        var alice = store.findUser("alice").orElseThrow();
        assertTrue(alice.passwordHash().startsWith("$argon2id$"));
        assertTrue(TestServer.HASHER.verify("correct horse", alice.passwordHash()));
        assertEquals("user alice already exists", refusal(() -> admin.add("ALICE", "another pass")));
    }

    @Test
    void newPasswordsFollowTheHeaderRulesAndAreAtLeast8Characters() throws Exception {
        assertEquals("password is too short: new passwords need at least 8 characters", refusal(() -> admin.add("bob", "1234567")));
        assertEquals("bob", admin.add("bob", "12345678"));
        assertEquals("carol", admin.add("carol", "ééééééé€"), "8 characters, counted as characters, not bytes");
        assertEquals("invalid password: password contains a control character (U+0000 to U+001F or U+007F)",
                refusal(() -> admin.add("dave", "pass\tword1")));
        assertEquals("invalid password: password is longer than 1024 UTF-8 bytes", refusal(() -> admin.add("dave", "p".repeat(1025))));
        assertEquals("invalid username: username is longer than 64 characters", refusal(() -> admin.add("u".repeat(65), "password1")));
    }

    @Test
    void passwordsAreStoredInNfc() throws Exception {
        admin.add("erin", "cafe\u0301 latte");
        assertTrue(TestServer.HASHER.verify("caf\u00e9 latte", store.findUser("erin").orElseThrow().passwordHash()));
    }

    @Test
    void passwdKeepsTheBinding() throws Exception {
        admin.add("alice", "first password");
        StoreFixtures.bind(store, "alice", M1);
        admin.passwd("alice", "second password");
        var alice = store.findUser("alice").orElseThrow();
        assertEquals(M1, alice.machineId());
        assertTrue(TestServer.HASHER.verify("second password", alice.passwordHash()));
        assertEquals("no user named bob", refusal(() -> admin.passwd("bob", "whatever1")));
    }

    @Test
    void unbindAndDelete() throws Exception {
        admin.add("alice", "first password");
        assertEquals(Optional.empty(), admin.unbind("alice"));
        StoreFixtures.bind(store, "alice", M1);
        assertEquals(Optional.of(M1), admin.unbind("ALICE"));
        assertFalse(store.findUser("alice").orElseThrow().isBound());
        assertEquals("no user named bob", refusal(() -> admin.unbind("bob")));
        assertEquals("alice", admin.delete("alice"));
        assertEquals("no user named alice", refusal(() -> admin.delete("alice")));
    }

    static BufferedReader stdin(String text) {
        return new BufferedReader(new StringReader(text));
    }

    @Test
    void onATerminalThePasswordIsAskedTwiceWithoutEcho() throws Exception {
        var terminal = ScriptedTerminal.passwordsOnly("s3cret pass", "s3cret pass");
        assertEquals("s3cret pass", NewPasswordInput.read(Optional.of(terminal), false, stdin("")));
        assertEquals(List.of("no-echo New password: ", "no-echo Repeat it: "), terminal.prompts);
    }

    @Test
    void mismatchedOrAbandonedPromptsAreRefused() {
        assertEquals("the passwords do not match",
                refusal(() -> NewPasswordInput.read(Optional.of(ScriptedTerminal.passwordsOnly("one password", "another one")), false, stdin(""))));
        assertEquals("no password given", refusal(() -> NewPasswordInput.read(Optional.of(ScriptedTerminal.passwordsOnly()), false, stdin(""))));
    }

    @Test
    void onATerminalTheRulesAreCheckedAfterTheFirstEntry() throws Exception {
        var terminal = ScriptedTerminal.passwordsOnly("short", "long enough now", "long enough now");
        assertEquals("long enough now", NewPasswordInput.read(Optional.of(terminal), false, stdin("")));
        assertEquals(List.of("no-echo New password: ", "no-echo New password: ", "no-echo Repeat it: "), terminal.prompts);
        assertEquals(List.of("password is too short: new passwords need at least 8 characters; try again"), terminal.told);

        var stubborn = ScriptedTerminal.passwordsOnly("short", "short", "short");
        assertEquals("password is too short: new passwords need at least 8 characters",
                refusal(() -> NewPasswordInput.read(Optional.of(stubborn), false, stdin(""))));
        assertEquals(3, stubborn.prompts.size(), "three tries, and never the repeat prompt");
    }

    @Test
    void withoutATerminalOrWithPasswordStdinItReadsOneLine() throws Exception {
        assertEquals("from stdin 1", NewPasswordInput.read(Optional.empty(), false, stdin("from stdin 1\r\nignored\n")));
        assertEquals("from stdin 2", NewPasswordInput.read(Optional.of(ScriptedTerminal.passwordsOnly()), true, stdin("from stdin 2\n")));
        assertEquals("no password on standard input", refusal(() -> NewPasswordInput.read(Optional.empty(), false, stdin(""))));
    }

    @Test
    void unlockClearsEveryAccountCounterButNotTheAddresses() throws Exception {
        admin.add("alice", "first password");
        var budgets = new FailureBudgets(store);
        for (var origin : FailureBudgets.Origin.values()) {
            var reservation = (FailureBudgets.Admitted) budgets.reserve("alice", origin, "192.0.2.1");
            budgets.settle(reservation, FailureBudgets.Outcome.FAILED);
        }
        assertEquals(4, store.countCounters(), "three account counters and one address counter");
        assertEquals(3, admin.unlock("ALICE"));
        assertEquals(1, store.countCounters(), "the address keeps its own");
        assertEquals(0, admin.unlock("alice"));
        assertEquals("no user named bob", refusal(() -> admin.unlock("bob")));
    }

    @Test
    void unlockAddressClearsThatAddressOnlyAndAnIpv6AddressItsSlash64() throws Exception {
        var budgets = new FailureBudgets(store);
        for (String address : java.util.List.of("203.0.113.7", "2001:db8:1:2::/64", "198.51.100.1")) {
            budgets.settle((FailureBudgets.Admitted) budgets.reserve("nobody", FailureBudgets.Origin.ELSEWHERE, address),
                    FailureBudgets.Outcome.FAILED);
        }
        assertEquals(4, store.countCounters(), "one account counter and three address counters");
        assertEquals("unlocked address 203.0.113.7: its failure counter is cleared\n", admin.unlockAddressCommand(" 203.0.113.7"));
        assertEquals("unlocked address 2001:db8:1:2::/64: its failure counter is cleared\n", admin.unlockAddressCommand("2001:db8:1:2:aa::5"));
        assertEquals(2, store.countCounters(), "alice's account and the other address keep theirs");
        assertEquals("address 203.0.113.7 had no failures on record; nothing to do\n", admin.unlockAddressCommand("203.0.113.7"));
        assertEquals("invalid address: not an IPv4 or IPv6 address literal: office.example",
                refusal(() -> admin.unlockAddressCommand("office.example")));
    }

    @Test
    void eachCommandSaysWhatItDidInOneLine() throws Exception {
        assertEquals("added user alice\n", admin.addCommand("Alice", "first password"));
        assertEquals("changed the password of alice; its binding stays\n", admin.passwdCommand("ALICE", "second password"));
        assertEquals("alice was not bound to a machine; nothing to do\n", admin.unbindCommand("alice"));
        StoreFixtures.bind(store, "alice", M1);
        assertEquals("unbound alice from machine " + M1.substring(0, 8) + "\n", admin.unbindCommand("alice"));
        assertEquals("alice had no failures on record; nothing to do\n", admin.unlockCommand("alice"));
        assertEquals("deleted user alice and its binding\n", admin.deleteCommand("alice"));
        assertEquals("no users\n", admin.listCommand(false));
        assertEquals("[]\n", admin.listCommand(true));
    }

    @Test
    void aRefusalOfInputExits2AndAnyOtherExits1() {
        var input = assertThrows(UserAdmin.Refused.class, () -> admin.addCommand("bad name", "first password"));
        assertEquals(2, input.exitCode());
        var state = assertThrows(UserAdmin.Refused.class, () -> admin.deleteCommand("nobody"));
        assertEquals(1, state.exitCode());
    }

    @Test
    void listingShowsShortenedIdsAndTimes() throws Exception {
        assertEquals("no users\n", UserListing.table(admin.list()));
        assertEquals("[]\n", UserListing.json(admin.list()));
        admin.add("alice", "first password");
        admin.add("bob", "second password");
        admin.add("carol", "third password");
        StoreFixtures.bind(store, "alice", M1);
        String key = DeviceKeys.base64url(DeviceKeys.point(DeviceKeys.generate().getPublic()));
        String fingerprint = DeviceKeys.fingerprint(key);
        store.bind("carol", M2, key, store.findUser("carol").orElseThrow().passwordStamp(), java.time.Instant.now());
        String table = UserListing.table(admin.list());
        var lines = table.lines().toList();
        assertEquals(4, lines.size(), table);
        assertTrue(lines.get(0).startsWith("USER   MACHINE   KEY       BOUND SINCE"), table);
        String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ";
        assertTrue(lines.get(1).matches("alice  abababab  -         " + time + "  " + time), table);
        assertEquals("bob    -         -         -                     -", lines.get(2));
        assertTrue(lines.get(3).matches("carol  " + M2.substring(0, 8) + "  " + java.util.regex.Pattern.quote(fingerprint.substring(0, 8))
                + "  " + time + "  " + time), table);
        assertFalse(table.contains(M1));
        assertFalse(table.contains(key) || table.contains(fingerprint), "the key only by 8 characters of its fingerprint");

        String json = UserListing.json(admin.list());
        assertTrue(json.contains("{\"username\": \"alice\", \"bound\": true, \"machine_id_prefix\": \"abababab\", \"key\": null, \"key_added\": null, \"bound_at\": \""), json);
        assertTrue(json.contains("\"key\": \"" + fingerprint.substring(0, 8) + "\", \"key_added\": null, \"bound_at\""), json);
        assertTrue(json.contains("{\"username\": \"bob\", \"bound\": false, \"machine_id_prefix\": null, \"key\": null, \"key_added\": null, \"bound_at\": null, \"last_check_at\": null, \"created_at\": \""), json);
        assertFalse(json.contains(M1));
    }
}
