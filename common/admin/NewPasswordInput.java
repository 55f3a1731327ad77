import java.io.BufferedReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a new password the safe ways only (contract section 6): on a terminal, a
 * no-echo prompt asked twice that must match; otherwise (or with
 * --password-stdin) one line of standard input. Never from an argument.
 */
public final class NewPasswordInput {

    private static final int ATTEMPTS = 3;

    private NewPasswordInput() {}

    public static String read(Optional<Terminal> terminal, boolean fromStdin, BufferedReader stdin) throws UserAdmin.Refused {
        if (terminal.isPresent() && !fromStdin) return askTwice(terminal.get());
        try {
            String line = stdin.readLine();
            if (line == null) throw new UserAdmin.Refused("no password on standard input", true);
            return Terminal.withoutCarriageReturn(line);
        } catch (IOException e) {
            throw new UserAdmin.Refused("cannot read standard input: " + e.getMessage(), true);
        }
    }

    /** The rules are checked after the first entry, so a refused password is not typed twice in vain. */
    private static String askTwice(Terminal terminal) throws UserAdmin.Refused {
        char[] first = null;
        char[] second = null;
        try {
            for (int attempt = 1; ; attempt++) {
                first = terminal.readPassword("New password: ");
                if (first == null) throw new UserAdmin.Refused("no password given", true);
                try {
                    UserAdmin.validNewPassword(new String(first));
                    break;
                } catch (UserAdmin.Refused refused) {
                    Arrays.fill(first, '\0');
                    if (attempt == ATTEMPTS) throw refused;
                    terminal.tell(refused.getMessage() + "; try again");
                }
            }
            second = terminal.readPassword("Repeat it: ");
            if (second == null) throw new UserAdmin.Refused("no password given", true);
            if (!Arrays.equals(first, second)) throw new UserAdmin.Refused("the passwords do not match", true);
            return new String(first);
        } catch (Terminal.UndecodableInputException e) {
            throw new UserAdmin.Refused(e.getMessage(), true);
        } finally {
            if (first != null) Arrays.fill(first, '\0');
            if (second != null) Arrays.fill(second, '\0');
        }
    }
}
