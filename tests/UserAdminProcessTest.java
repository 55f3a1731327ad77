import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./jbang useradmin.java` as a real process, for what only a process shows: its exit
 * status, a password read from standard input or typed at a terminal, the settings from the
 * environment. Every subcommand's messages and statuses are in UserAdminCommandTest.
 */
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

    /** A user made the way `useradmin add` makes one, without a process. */
    void addInThisJvm(String name) throws Exception {
        try (var store = Store.open(dir.resolve("admin.db").toString())) {
            new UserAdmin(store, new PasswordHasher(), new FailureBudgets(store)).addCommand(name, PASSWORD);
        }
    }

    @Test
    void addReadsThePasswordFromStandardInputAndExitsWithItsStatus() {
        assertOutcome(useradmin(PASSWORD + "\n", "add", "Alice"), 0,
                "created a new store at " + dir.resolve("admin.db") + "\nadded user alice\n", null);
        assertOutcome(useradmin(PASSWORD + "\n", "add", "ALICE"), 1, "", "useradmin add: user alice already exists");
        assertOutcome(useradmin("", "add", "bob"), 2, "", "useradmin add: no password on standard input");
    }

    @Test
    void aPasswordOnTheCommandLineIsAUsageErrorAndIsNotEchoed() {
        var result = useradmin("", "add", "bob", PASSWORD);
        assertOutcome(result, 2, "", "useradmin add: 1 unexpected argument (not shown) (see --help)");
    }

    @Test
    void passwdWithPasswordStdin() throws Exception {
        addInThisJvm("alice");
        assertOutcome(useradmin("second-Pa55word\n", "passwd", "alice", "--password-stdin"), 0,
                "changed the password of alice; its binding stays\n", null);
        assertOutcome(useradmin("", "list"), 0, "USER   MACHINE   KEY       BOUND SINCE           LAST CHECK\n"
                + "alice  -         -         -                     -\n", null);
    }

    @Test
    void onATerminalANewPasswordIsCheckedBeforeItIsRepeated() throws Exception {
        addInThisJvm("alice");
        var env = Map.of("SEEK_DB", dir.resolve("admin.db").toString());
        var result = Processes.run(Processes.jbangOnTerminal(env, "useradmin.java", "passwd", "alice"),
                "short\n" + PASSWORD + "\n" + PASSWORD + "\n", 120);
        String shown = result.stdout().replace(PASSWORD, "<typed password>").replace("\r", "");
        assertEquals(0, result.exitCode(), shown);
        assertTrue(shown.contains("New password: \npassword is too short: new passwords need at least 8 characters; try again\n"
                + "New password: \nRepeat it: \nchanged the password of alice"), shown);
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
