import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A username, password and machine ID, in their canonical forms: the username
 * lower-cased, the password in Unicode NFC. The rules of contract section 1 live
 * here so that the header codec, the client and the admin CLI apply the same ones.
 */
public record Credentials(String username, String password, String machineId) {

    public static final int MAX_USERNAME_CHARS = 64;
    public static final int MAX_PASSWORD_BYTES = 1024;

    private static final Pattern USERNAME_CHARS = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final Pattern CONTROL_CHAR = Pattern.compile("[\\x00-\\x1F\\x7F]");
    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{64}");

    /** Canonical credentials from values that already passed the rules below. */
    public static Credentials canonical(String username, String password, String machineId) {
        return new Credentials(canonicalUsername(username), canonicalPassword(password), machineId);
    }

    public static String canonicalUsername(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    public static String canonicalPassword(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFC);
    }

    /** What is wrong with this username, or empty when it follows the rules. */
    public static Optional<String> usernameProblem(String username) {
        if (username.isEmpty()) return Optional.of("username is empty");
        if (username.length() > MAX_USERNAME_CHARS)
            return Optional.of("username is longer than " + MAX_USERNAME_CHARS + " characters");
        if (!USERNAME_CHARS.matcher(username).matches())
            return Optional.of("username contains a character outside A-Z a-z 0-9 . _ @ -");
        return Optional.empty();
    }

    /** What is wrong with this password, or empty. The message never contains the password. */
    public static Optional<String> passwordProblem(String password) {
        if (password.isEmpty()) return Optional.of("password is empty");
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES)
            return Optional.of("password is longer than " + MAX_PASSWORD_BYTES + " UTF-8 bytes");
        if (CONTROL_CHAR.matcher(password).find())
            return Optional.of("password contains a control character (U+0000 to U+001F or U+007F)");
        return Optional.empty();
    }

    public static Optional<String> machineIdProblem(String machineId) {
        if (!MACHINE_ID.matcher(machineId).matches())
            return Optional.of("machine-id must be exactly 64 lower-case hex characters");
        return Optional.empty();
    }

    /** The first problem among all three parts, or empty. */
    public static Optional<String> problem(String username, String password, String machineId) {
        return usernameProblem(username)
                .or(() -> passwordProblem(password))
                .or(() -> machineIdProblem(machineId));
    }

    /** The first 8 characters of the machine ID: all that logs and listings show. */
    public String shortMachineId() {
        return shortMachineId(machineId);
    }

    /** The first 8 characters of a machine ID (all of a shorter one): the one place IDs are cut for showing. */
    public static String shortMachineId(String machineId) {
        return machineId.substring(0, Math.min(8, machineId.length()));
    }

    /** Never prints the password, so a stray log statement cannot leak it. */
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=<redacted>, machineId=" + shortMachineId() + "...]";
    }
}
