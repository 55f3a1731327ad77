import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The operating system's own raw identity of this computer (contract section 5), read
 * fresh on every call and never written anywhere: one small source per OS behind
 * {@link #read}. It never leaves the computer: what the client sends is the
 * {@link MachineId} derived from it. Never a MAC address, host name or user name, and
 * never a random fallback: no usable identity is an error.
 */
public final class RawMachineIdentity {

    /** No usable identity: the message says where we looked and what was wrong. */
    public static final class MissingIdentityException extends Exception {
        public MissingIdentityException(String message) {
            super(message);
        }
    }

    /** How the sources reach the system: the one seam of the machine identity, where tests give their own. */
    public interface SystemAccess {
        /** A file's content, or empty when it is missing or unreadable. */
        Optional<String> readFile(Path path);

        /** A command's standard output when it exits 0, or empty. */
        Optional<String> runCommand(List<String> command);
    }

    /** Values that some images and firmware ship instead of a real identity. */
    private static final Set<String> PLACEHOLDERS = Set.of(
            "uninitialized",                          // systemd, before first boot completes
            "03000200-0400-0500-0006-000700080009",   // a firmware default seen on many boards
            "ffffffff-ffff-ffff-ffff-ffffffffffff");

    private RawMachineIdentity() {}

    /** The real file system and commands of this computer. */
    public static final SystemAccess THIS_COMPUTER = SystemAccessImpl.INSTANCE;

    /** This computer's raw identity. */
    public static String read() throws MissingIdentityException {
        return read(THIS_COMPUTER);
    }

    /** The raw identity that the source for this operating system finds through this access. */
    public static String read(SystemAccess system) throws MissingIdentityException {
        return read(System.getProperty("os.name"), system);
    }

    /** The raw identity as the source for this OS name finds it through this access. */
    public static String read(String osName, SystemAccess system) throws MissingIdentityException {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) return LinuxIdentity.read(system);
        if (os.startsWith("mac")) return MacIdentity.read(system);
        if (os.startsWith("windows")) return WindowsIdentity.read(system);
        throw new MissingIdentityException("no machine identity source for " + osName
                + " (supported: Linux, macOS, Windows)");
    }

    /** The trimmed value, or empty when it is blank or a known placeholder (all zeros included). */
    static Optional<String> usable(String raw) {
        String value = raw.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        if (value.isEmpty() || PLACEHOLDERS.contains(lower) || lower.replace("-", "").chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** The first group of pattern in a command's output, if usable; else the error with this message. */
    static String fromCommand(SystemAccess system, List<String> command, java.util.regex.Pattern pattern, String missing)
            throws MissingIdentityException {
        return system.runCommand(command)
                .map(pattern::matcher)
                .filter(java.util.regex.Matcher::find)
                .map(m -> m.group(1))
                .flatMap(RawMachineIdentity::usable)
                .orElseThrow(() -> new MissingIdentityException(missing));
    }

    /** How long an identity command (ioreg, reg.exe) may take. */
    static final java.time.Duration COMMAND_TIMEOUT = java.time.Duration.ofSeconds(5);

    /** The real file system and processes. */
    enum SystemAccessImpl implements SystemAccess {
        INSTANCE;

        @Override
        public Optional<String> readFile(Path path) {
            try {
                return Optional.of(java.nio.file.Files.readString(path));
            } catch (java.io.IOException | SecurityException e) {
                return Optional.empty();
            }
        }

        @Override
        public Optional<String> runCommand(List<String> command) {
            return runCommand(command, COMMAND_TIMEOUT);
        }

        /** The command's output when it exits 0 within the timeout, else empty (it is stopped). */
        Optional<String> runCommand(List<String> command, java.time.Duration timeout) {
            try {
                Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                process.getOutputStream().close();
                // The output is a few lines; a command that hangs is given up, never waited on for ever.
                var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (java.io.IOException e) {
                        return null;
                    }
                });
                if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    return Optional.empty();
                }
                String out = output.join();
                return process.exitValue() == 0 && out != null ? Optional.of(out) : Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
