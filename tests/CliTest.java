import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.junit.jupiter.api.Test;

/** How every seek-auth command meets bad input: one line, the right status, and no stray value echoed. */
class CliTest {

    @Command(name = "tool", mixinStandardHelpOptions = true, subcommands = {Tool.Sub.class},
            description = "A command with a subcommand, as useradmin is.")
    static class Tool {
        @Command(name = "sub", mixinStandardHelpOptions = true, description = "The one subcommand.")
        static class Sub implements Callable<Integer> {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--flag", description = "a flag with a long description that mentions http://localhost:8080 as its default")
            boolean flag;
            @Option(names = "--count") int count;

            @Override public Integer call() {
                throw new IllegalStateException("boom");
            }
        }
    }

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int status = Cli.commandLine(new Tool(), new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void strayValuesAreCountedNotShown() {
        var run = run("sub", "alice", "hunter2-typed-by-mistake");
        assertEquals(Cli.USAGE, run.status());
        assertEquals("tool sub: 1 unexpected argument (not shown) (see --help)\n", run.err());
    }

    @Test
    void anUnknownCommandIsNamedWithTheOnesThatExist() {
        var run = run("remove", "alice");
        assertEquals(Cli.USAGE, run.status());
        assertEquals("tool: unknown command 'remove'; the commands are sub (see --help)\n", run.err());
    }

    @Test
    void aFailureInsideACommandIsOneLineWithoutAStackTrace() {
        var run = run("sub", "alice");
        assertEquals(Cli.FAILURE, run.status());
        assertEquals("sub: unexpected IllegalStateException: boom\n", run.err());
    }

    @Test
    void helpIsWideEnoughThatNoUrlBreaks() {
        var run = run("sub", "--help");
        assertEquals(0, run.status());
        assertTrue(run.out().contains("http://localhost:8080"), run.out());
        assertTrue(run.out().lines().allMatch(line -> line.length() <= Cli.HELP_WIDTH), run.out());
    }

    @Test
    void anUnknownOptionIsNamedWithoutTheValueGivenWithIt() {
        var run = run("sub", "alice", "--password=hunter2-secret");
        assertEquals(Cli.USAGE, run.status());
        assertEquals("tool sub: unknown option --password=... (see --help)\n", run.err());
    }

    @Test
    void picocliNeverRepeatsAValueGivenToAFlagOrAnOption() {
        var flag = run("sub", "alice", "--flag=hunter2-secret");
        assertEquals(Cli.USAGE, flag.status());
        assertFalse(flag.err().contains("hunter2"), flag.err());
        assertTrue(flag.err().startsWith("tool sub: ") && flag.err().contains("--flag"), flag.err());
        var count = run("sub", "alice", "--count", "hunter2-secret");
        assertFalse(count.err().contains("hunter2"), count.err());
        assertTrue(count.err().contains("'...'"), count.err());
        assertEquals(1, count.err().lines().count());
    }
}
