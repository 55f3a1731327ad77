import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's own scripts as real processes through ./jbang, as a user would.
 * Output goes to files, not pipes: the JDK closes a process's pipes when it exits,
 * and a reader on another thread can then lose the last lines.
 */
public final class Processes {

    /** The checkout's root: the folder with jbang-catalog.json at or above the working directory. */
    public static final Path ROOT = findRoot();

    /** What a finished process said and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** Standard error without JBang's own "[jbang] ..." progress lines (a first run builds the script). */
        public List<String> errorLines() {
            return withoutJbangLines(stderr);
        }
    }

    /** A started process whose standard output and error are collected in files. */
    public record Started(Process process, Path stdout, Path stderr) implements AutoCloseable {
        public String stdoutText() {
            return read(stdout);
        }

        public String stderrText() {
            return read(stderr);
        }

        /** Stops it by PID if it still runs. */
        @Override
        public void close() {
            stop(process);
        }
    }

    private Processes() {}

    public static ProcessBuilder jbang(Map<String, String> env, String... args) {
        var command = new ArrayList<String>();
        command.add(ROOT.resolve(isWindows() ? "jbang.cmd" : "jbang").toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(ROOT.toFile());
        // A server's warm-up would add 1.5 s to every start; ServerProcessTest runs one on purpose.
        builder.environment().put("SEEK_WARM_UP", "0");
        builder.environment().putAll(env);
        return builder;
    }

    /**
     * Like {@link #jbang}, but on a real pseudo-terminal (util-linux `script`), for what
     * happens only at a terminal: prompts, Ctrl-D, the terminal's charset. Standard input
     * is typed into the terminal, and the terminal's echo is part of standard output.
     */
    public static ProcessBuilder jbangOnTerminal(Map<String, String> env, String... args) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
                "needs util-linux `script` for a pseudo-terminal");
        var command = new StringBuilder(shellQuote(ROOT.resolve("jbang").toString()));
        for (String arg : args) command.append(' ').append(shellQuote(arg));
        var builder = new ProcessBuilder("/usr/bin/script", "-qec", command.toString(), "/dev/null").directory(ROOT.toFile());
        builder.environment().putAll(env);
        return builder;
    }

    /**
     * ./jbang with these arguments in a mount namespace of its own whose /etc/machine-id (and
     * /var/lib/dbus/machine-id) shows this file's content: the same checkout on "another
     * computer". Needs root and util-linux `unshare`; the test is skipped without them.
     */
    public static ProcessBuilder inAnotherMachineIdentity(Path identityFile, Map<String, String> env, String... args) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs util-linux `unshare`");
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root, for a mount namespace that shows another /etc/machine-id");
        var command = new StringBuilder();
        for (String file : LinuxIdentity.FILES.stream().map(Path::toString).toList()) {
            command.append("if [ -e ").append(file).append(" ]; then mount --bind ").append(shellQuote(identityFile.toString()))
                    .append(' ').append(file).append(" || exit 99; fi; ");
        }
        command.append("exec ").append(shellQuote(ROOT.resolve("jbang").toString()));
        for (String arg : args) command.append(' ').append(shellQuote(arg));
        var builder = new ProcessBuilder("/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", command.toString())
                .directory(ROOT.toFile());
        builder.environment().putAll(env);
        return builder;
    }

    private static String shellQuote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** Starts the process with its output going to fresh files in outputDir, and this standard input. */
    public static Started start(ProcessBuilder builder, String stdin, Path outputDir) {
        try {
            Path out = Files.createTempFile(outputDir, "stdout", ".txt");
            Path err = Files.createTempFile(outputDir, "stderr", ".txt");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedWithoutReading) {
                // Nothing to do: the process did not want its input.
            }
            return new Started(process, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #run(ProcessBuilder, String, int)}, with these variables added to the process's environment. */
    public static Result run(ProcessBuilder builder, String stdin, int timeoutSeconds, Map<String, String> env) {
        builder.environment().putAll(env);
        return run(builder, stdin, timeoutSeconds);
    }

    /** Runs to the end with this standard input; stops the process if it outlives the timeout. */
    public static Result run(ProcessBuilder builder, String stdin, int timeoutSeconds) {
        Path dir;
        try {
            dir = Files.createTempDirectory("seek-process");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (var started = start(builder, stdin, dir)) {
            if (!started.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError("process did not finish in " + timeoutSeconds + " s: " + builder.command());
            }
            return new Result(started.process().exitValue(), started.stdoutText(), started.stderrText());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            deleteTree(dir);
        }
    }

    /** Stops exactly this process (by its PID) if it still runs: SIGTERM, then SIGKILL after 10 s. */
    public static void stop(Process process) {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static List<String> withoutJbangLines(String text) {
        return text.lines().filter(line -> !line.startsWith("[jbang]")).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder left behind is harmless.
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name").toLowerCase().startsWith("windows");
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("jbang-catalog.json"))) return d;
        }
        throw new IllegalStateException("run the tests from the seek-auth checkout (no jbang-catalog.json above " + dir + ")");
    }
}
