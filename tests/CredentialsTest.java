import static org.junit.jupiter.api.Assertions.*;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules of contract section 1 that the header, the client and the admin CLI share. */
class CredentialsTest {

    static final String M = "0123456789abcdef".repeat(4);

    @Test
    void usernamesAreLowerCasedTheSameInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertEquals("ivan", Credentials.canonicalUsername("IVAN"), "a dotted i, not the Turkish dotless one");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void passwordsAreNormalisedToNfc() {
        String decomposed = "cafe\u0301";
        assertEquals("caf\u00e9", Credentials.canonicalPassword(decomposed));
        assertEquals(Credentials.canonical("Alice", decomposed, M), Credentials.canonical("alice", "caf\u00e9", M));
    }

    @Test
    void eachUsernameRuleIsNamed() {
        assertEquals(Optional.of("username is empty"), Credentials.usernameProblem(""));
        assertEquals(Optional.of("username is longer than 64 characters"), Credentials.usernameProblem("a".repeat(65)));
        assertEquals(Optional.empty(), Credentials.usernameProblem("a".repeat(64)));
        assertEquals(Optional.of("username contains a character outside A-Z a-z 0-9 . _ @ -"), Credentials.usernameProblem("al ice"));
        assertEquals(Optional.empty(), Credentials.usernameProblem("A.l_i@c-e9"));
    }

    @Test
    void eachPasswordRuleIsNamedWithoutThePassword() {
        assertEquals(Optional.of("password is empty"), Credentials.passwordProblem(""));
        assertEquals(Optional.of("password is longer than 1024 UTF-8 bytes"), Credentials.passwordProblem("\u00e9".repeat(513)));
        assertEquals(Optional.empty(), Credentials.passwordProblem("\u00e9".repeat(512)), "1024 bytes exactly");
        assertEquals(Optional.of("password contains a control character (U+0000 to U+001F or U+007F)"),
                Credentials.passwordProblem("secret\u007fpass"));
        assertEquals(Optional.empty(), Credentials.passwordProblem("with: colons and spaces"));
    }

    @Test
    void theMachineIdIsSixtyFourLowerCaseHexCharacters() {
        assertEquals(Optional.empty(), Credentials.machineIdProblem(M));
        String rule = "machine-id must be exactly 64 lower-case hex characters";
        assertEquals(Optional.of(rule), Credentials.machineIdProblem(M.toUpperCase(Locale.ROOT)));
        assertEquals(Optional.of(rule), Credentials.machineIdProblem(M.substring(1)));
        assertEquals(Optional.of(rule), Credentials.problem("alice", "pw", M + "0"), "the first problem of all three");
        assertEquals(Optional.of("username is empty"), Credentials.problem("", "", ""));
    }

    @Test
    void machineIdsAreShownByTheirFirstEightCharactersOnly() {
        assertEquals("01234567", Credentials.shortMachineId(M));
        assertEquals("abc", Credentials.shortMachineId("abc"));
        var credentials = Credentials.canonical("alice", "s3cret-pass", M);
        assertEquals("Credentials[username=alice, password=<redacted>, machineId=01234567...]", credentials.toString());
    }
}
