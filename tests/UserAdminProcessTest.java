import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every subcommand of `./jbang useradmin.java` through its real entry point, with its messages and exit statuses. */
class UserAdminProcessTest {

    static final String PASSWORD = "admin-Pa55word";

    @TempDir Path dir;

    Processes.Result useradmin(String stdin, String... args) {
        var env = Map.of("SEEK_DB", dir.resolve("admin.db").toString());
        var command = new java.util.ArrayList<String>(List.of("useradmin.java"));
        command.addAll(List.of(args));
        var result = Processes.run(Processes.jbang(env, command.toArray(String[]::new)), stdin, 120);
        assertFalse(result.stdout().contains(PASSWORD) || result.stderr().contains(PASSWORD), "output shows a password");
        return result;
    }

    static void assertOutcome(Processes.Result result, int exitCode, String stdout, String stderrLine) {
        assertEquals(exitCode, result.exitCode(), result.stderr());
        assertEquals(stdout, result.stdout());
        assertEquals(stderrLine == null ? List.of() : List.of(stderrLine), result.errorLines());
    }

    @Test
    void addThenRefuseTheSameNameInAnyCase() {
        assertOutcome(useradmin(PASSWORD + "\n", "add", "Alice"), 0,
                "created a new store at " + dir.resolve("admin.db") + "\nadded user alice\n", null);
        assertOutcome(useradmin(PASSWORD + "\n", "add", "ALICE"), 1, "", "useradmin add: user alice already exists");
    }

    @Test
    void addRefusesBadNamesShortPasswordsAndMissingInput() {
        assertOutcome(useradmin(PASSWORD + "\n", "add", "bad name"), 2, "",
                "useradmin add: invalid username: username contains a character outside A-Z a-z 0-9 . _ @ -");
        assertOutcome(useradmin("short\n", "add", "bob"), 2, "",
                "useradmin add: password is too short: new passwords need at least 8 characters");
        assertOutcome(useradmin("", "add", "bob"), 2, "", "useradmin add: no password on standard input");
    }

    @Test
    void aPasswordOnTheCommandLineIsAUsageErrorAndIsNotEchoed() {
        var result = useradmin("", "add", "bob", PASSWORD);
        assertOutcome(result, 2, "", "useradmin add: 1 unexpected argument (not shown) (see --help)");
    }

    @Test
    void passwdWithPasswordStdin() {
        useradmin(PASSWORD + "\n", "add", "alice");
        assertOutcome(useradmin("second-Pa55word\n", "passwd", "alice", "--password-stdin"), 0,
                "changed the password of alice; its binding stays\n", null);
        assertOutcome(useradmin("", "passwd", "nobody"), 1, "", "useradmin passwd: no user named nobody");
        assertOutcome(useradmin("1234567\n", "passwd", "alice"), 2, "",
                "useradmin passwd: password is too short: new passwords need at least 8 characters");
    }

    @Test
    void onlyAddCreatesAStoreTheOthersNameThePathTheyLookedAt() {
        Path db = dir.resolve("admin.db");
        String missing = "no store at " + db + " (give --db or SEEK_DB; `useradmin add` creates one)";
        assertOutcome(useradmin("", "list"), 1, "", "useradmin list: " + missing);
        assertOutcome(useradmin(PASSWORD + "\n", "passwd", "alice"), 1, "", "useradmin passwd: " + missing);
        assertOutcome(useradmin("", "unbind", "alice"), 1, "", "useradmin unbind: " + missing);
        assertOutcome(useradmin("", "delete", "alice"), 1, "", "useradmin delete: " + missing);
        assertFalse(java.nio.file.Files.exists(db), "no store was created");
        assertOutcome(useradmin(PASSWORD + "\n", "add", "alice"), 0, "created a new store at " + db + "\nadded user alice\n", null);
        assertOutcome(useradmin(PASSWORD + "\n", "add", "bob"), 0, "added user bob\n", null);
    }

    @Test
    void onATerminalANewPasswordIsCheckedBeforeItIsRepeated() {
        useradmin(PASSWORD + "\n", "add", "alice");
        var env = Map.of("SEEK_DB", dir.resolve("admin.db").toString());
        var result = Processes.run(Processes.jbangOnTerminal(env, "useradmin.java", "passwd", "alice"),
                "short\n" + PASSWORD + "\n" + PASSWORD + "\n", 120);
        String shown = result.stdout().replace(PASSWORD, "<typed password>").replace("\r", "");
        assertEquals(0, result.exitCode(), shown);
        assertTrue(shown.contains("New password: \npassword is too short: new passwords need at least 8 characters; try again\n"
                + "New password: \nRepeat it: \nchanged the password of alice"), shown);
    }

    @Test
    void aMistypedCommandNamesItAndTheCommandsThatExist() {
        assertOutcome(useradmin("", "remove", "alice"), 2, "",
                "useradmin: unknown command 'remove'; the commands are add, passwd, list, unbind, delete, unlock (see --help)");
    }

    @Test
    void listUnbindAndDelete() {
        useradmin(PASSWORD + "\n", "add", "alice");
        useradmin("", "delete", "alice");
        assertOutcome(useradmin("", "list"), 0, "no users\n", null);
        useradmin(PASSWORD + "\n", "add", "alice");
        try (var store = Store.open(dir.resolve("admin.db").toString())) {
            StoreFixtures.bind(store, "alice", "0123456789abcdef".repeat(4));
        }
        var list = useradmin("", "list");
        assertEquals(0, list.exitCode());
        assertTrue(list.stdout().lines().toList().get(1).startsWith("alice  01234567  -         20"), list.stdout());
        var json = useradmin("", "list", "--json");
        assertTrue(json.stdout().startsWith("[\n  {\"username\": \"alice\", \"bound\": true, \"machine_id_prefix\": \"01234567\""), json.stdout());

        assertOutcome(useradmin("", "unbind", "alice"), 0, "unbound alice from machine 01234567\n", null);
        assertOutcome(useradmin("", "unbind", "alice"), 0, "alice was not bound to a machine; nothing to do\n", null);
        assertOutcome(useradmin("", "unbind", "nobody"), 1, "", "useradmin unbind: no user named nobody");
        assertOutcome(useradmin("", "unlock", "alice"), 0, "alice had no failures on record; nothing to do\n", null);
        assertOutcome(useradmin("", "unlock", "nobody"), 1, "", "useradmin unlock: no user named nobody");
        assertOutcome(useradmin("", "delete", "alice"), 0, "deleted user alice and its binding\n", null);
        assertOutcome(useradmin("", "delete", "alice"), 1, "", "useradmin delete: no user named alice");
    }

    @Test
    void storeThatCannotBeOpenedIsOneLine() {
        Path missing = dir.resolve("no/such/folder.db");
        var result = useradmin(PASSWORD + "\n", "--db", missing.toString(), "add", "alice");
        assertEquals(1, result.exitCode());
        assertEquals(1, result.errorLines().size(), result.stderr());
        assertTrue(result.errorLines().getFirst().startsWith("useradmin add: cannot open the store at " + missing), result.stderr());
    }

    @Test
    void everySubcommandHasHelpAndUsageErrorsAreOneLine() {
        for (String sub : List.of("add", "passwd", "list", "unbind", "delete", "unlock")) {
            var help = useradmin("", sub, "--help");
            assertEquals(0, help.exitCode(), sub);
            assertTrue(help.stdout().startsWith("Usage: useradmin " + sub), help.stdout());
        }
        assertOutcome(useradmin(""), 2, "", "useradmin: Missing required subcommand (see --help)");
        assertOutcome(useradmin("", "unbind"), 2, "", "useradmin unbind: Missing required parameter: 'USER' (see --help)");
        assertOutcome(useradmin("", "unlock"), 2, "", "useradmin unlock: give a USER or --address ADDR, not both or neither (see --help)");
    }

    @Test
    void unlockTakesAnAddressInstead() {
        useradmin(PASSWORD + "\n", "add", "alice");
        assertOutcome(useradmin("", "unlock", "--address", "192.0.2.1"), 0, "address 192.0.2.1 had no failures on record; nothing to do\n", null);
        assertOutcome(useradmin("", "unlock", "--address", "not-an-ip"), 2, "",
                "useradmin unlock: invalid address: not an IPv4 or IPv6 address literal: not-an-ip");
    }

    @Test
    void helpNeverShowsTheStoreSettingFromTheEnvironmentAndStrayValuesAreNeverEchoed() {
        var env = Map.of("SEEK_DB", "jdbc:postgresql://db.internal/seek?user=seek&password=Hunter2-in-url");
        var help = Processes.run(Processes.jbang(env, "useradmin.java", "list", "--help"), "", 120);
        assertEquals(0, help.exitCode());
        assertFalse(help.stdout().contains("Hunter2"), help.stdout());
        assertTrue(help.stdout().contains("default seek-auth.db"), help.stdout());
        var stray = useradmin("", "add", "bob", "--password=" + PASSWORD);
        assertOutcome(stray, 2, "", "useradmin add: unknown option --password=... (see --help)");
        var flagValue = useradmin("", "add", "bob", "--password-stdin=" + PASSWORD);
        assertEquals(2, flagValue.exitCode());
        assertEquals(1, flagValue.errorLines().size(), flagValue.stderr());
    }
}
