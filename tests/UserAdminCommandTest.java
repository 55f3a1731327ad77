import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every subcommand of useradmin.java, its messages and exit statuses, run in this JVM: the
 * script's own picocli command, as its main runs it, short of System.exit. What needs the
 * process (the exit itself, standard input without --password-stdin, a terminal, the
 * environment) is in UserAdminProcessTest. Passwords are always given with --password-stdin
 * here: without it, a run from a developer's terminal would prompt on that terminal.
 */
class UserAdminCommandTest {

    static final String PASSWORD = "admin-Pa55word";

    @TempDir Path dir;

    record Outcome(int exitCode, String stdout, String stderr) {
        List<String> errorLines() {
            return stderr.lines().toList();
        }
    }

    Path db() {
        return dir.resolve("admin.db");
    }

    /** `useradmin --db <this test's store> ARGS`, with this standard input; System.in, out and err are swapped meanwhile. */
    Outcome useradmin(String stdin, String... args) {
        var command = new ArrayList<>(List.of("--db", db().toString()));
        command.addAll(List.of(args));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        int exitCode;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            exitCode = Cli.execute(new useradmin(), command.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
        var outcome = new Outcome(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertFalse(outcome.stdout().contains(PASSWORD) || outcome.stderr().contains(PASSWORD), "output shows a password");
        return outcome;
    }

    static void assertOutcome(Outcome outcome, int exitCode, String stdout, String stderrLine) {
        assertEquals(exitCode, outcome.exitCode(), outcome.stderr());
        assertEquals(stdout, outcome.stdout());
        assertEquals(stderrLine == null ? List.of() : List.of(stderrLine), outcome.errorLines());
    }

    Outcome add(String name) {
        return useradmin(PASSWORD + "\n", "add", name, "--password-stdin");
    }

    @Test
    void addThenRefuseTheSameNameInAnyCase() {
        assertOutcome(add("Alice"), 0, "created a new store at " + db() + "\nadded user alice\n", null);
        assertOutcome(add("ALICE"), 1, "", "useradmin add: user alice already exists");
    }

    @Test
    void addRefusesBadNamesAndShortPasswordsBeforeAnyStoreIsMade() {
        assertOutcome(add("bad name"), 2, "",
                "useradmin add: invalid username: username contains a character outside A-Z a-z 0-9 . _ @ -");
        assertOutcome(useradmin("short\n", "add", "bob", "--password-stdin"), 2, "",
                "useradmin add: password is too short: new passwords need at least 8 characters");
        assertOutcome(useradmin("", "add", "bob", "--password-stdin"), 2, "", "useradmin add: no password on standard input");
        assertFalse(Files.exists(db()), "bad input never creates a store");
    }

    @Test
    void aPasswordOnTheCommandLineIsAUsageErrorAndIsNotEchoed() {
        assertOutcome(useradmin("", "add", "bob", PASSWORD), 2, "", "useradmin add: 1 unexpected argument (not shown) (see --help)");
        assertOutcome(useradmin("", "add", "bob", "--password=" + PASSWORD), 2, "", "useradmin add: unknown option --password=... (see --help)");
        var flagValue = useradmin("", "add", "bob", "--password-stdin=" + PASSWORD);
        assertEquals(2, flagValue.exitCode());
        assertEquals(1, flagValue.errorLines().size(), flagValue.stderr());
    }

    @Test
    void passwdChecksTheUserAndThePassword() {
        add("alice");
        assertOutcome(useradmin("second-Pa55word\n", "passwd", "alice", "--password-stdin"), 0,
                "changed the password of alice; its binding stays\n", null);
        assertOutcome(useradmin("", "passwd", "nobody", "--password-stdin"), 1, "", "useradmin passwd: no user named nobody");
        assertOutcome(useradmin("1234567\n", "passwd", "alice", "--password-stdin"), 2, "",
                "useradmin passwd: password is too short: new passwords need at least 8 characters");
    }

    @Test
    void onlyAddCreatesAStoreTheOthersNameThePathTheyLookedAt() {
        String missing = "no store at " + db() + " (give --db or SEEK_DB; `useradmin add` creates one)";
        assertOutcome(useradmin("", "list"), 1, "", "useradmin list: " + missing);
        assertOutcome(useradmin(PASSWORD + "\n", "passwd", "alice", "--password-stdin"), 1, "", "useradmin passwd: " + missing);
        assertOutcome(useradmin("", "unbind", "alice"), 1, "", "useradmin unbind: " + missing);
        assertOutcome(useradmin("", "delete", "alice"), 1, "", "useradmin delete: " + missing);
        assertOutcome(useradmin("", "unlock", "alice"), 1, "", "useradmin unlock: " + missing);
        assertFalse(Files.exists(db()), "no store was created");
        assertOutcome(add("alice"), 0, "created a new store at " + db() + "\nadded user alice\n", null);
        assertOutcome(add("bob"), 0, "added user bob\n", null);
    }

    @Test
    void aMistypedCommandNamesItAndTheCommandsThatExist() {
        assertOutcome(useradmin("", "remove", "alice"), 2, "",
                "useradmin: unknown command 'remove'; the commands are add, passwd, list, unbind, delete, unlock (see --help)");
    }

    @Test
    void listUnbindAndDelete() {
        add("alice");
        assertOutcome(useradmin("", "delete", "alice"), 0, "deleted user alice and its binding\n", null);
        assertOutcome(useradmin("", "list"), 0, "no users\n", null);
        add("alice");
        try (var store = Store.open(db().toString())) {
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
    void everySubcommandHasHelpAndUsageErrorsAreOneLine() {
        for (String sub : List.of("add", "passwd", "list", "unbind", "delete", "unlock")) {
            var help = useradmin("", sub, "--help");
            assertEquals(0, help.exitCode(), sub);
            assertTrue(help.stdout().startsWith("Usage: useradmin " + sub), help.stdout());
        }
        assertOutcome(useradmin(""), 2, "", "useradmin: Missing required subcommand (see --help)");
        assertOutcome(useradmin("", "unbind"), 2, "", "useradmin unbind: Missing required parameter: 'USER' (see --help)");
        assertOutcome(useradmin("", "unlock"), 2, "", "useradmin unlock: give a USER or --address ADDR, not both or neither (see --help)");
        assertOutcome(useradmin("", "unlock", "alice", "--address", "192.0.2.1"), 2, "",
                "useradmin unlock: give a USER or --address ADDR, not both or neither (see --help)");
    }

    @Test
    void unlockTakesAnAddressInstead() {
        add("alice");
        assertOutcome(useradmin("", "unlock", "--address", "192.0.2.1"), 0, "address 192.0.2.1 had no failures on record; nothing to do\n", null);
        assertOutcome(useradmin("", "unlock", "--address", "not-an-ip"), 2, "",
                "useradmin unlock: invalid address: not an IPv4 or IPv6 address literal: not-an-ip");
    }
}
