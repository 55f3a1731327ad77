//DEPS info.picocli:picocli:4.7.7

import java.io.PrintWriter;
import picocli.CommandLine;

/** Runs a picocli command the way every seek-auth command behaves on bad input: one line, no stack trace. */
public final class Cli {

    /** Exit status for bad input or usage (contract section 6). */
    public static final int USAGE = 2;
    /** Exit status for a failure that is not the user's input. */
    public static final int FAILURE = 1;

    /** Wide enough that no option description breaks inside a URL or a variable name. */
    static final int HELP_WIDTH = 100;

    private Cli() {}

    public static int execute(Object command, String[] args) {
        return commandLine(command, new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        var cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setUsageHelpWidth(HELP_WIDTH);
        cli.setParameterExceptionHandler((error, args) -> {
            var failed = error.getCommandLine();
            failed.getErr().println(commandPath(failed) + ": " + describe(error, args) + " (see --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((error, failed, parseResult) -> {
            failed.getErr().println(failed.getCommandName() + ": unexpected " + error.getClass().getSimpleName()
                    + (error.getMessage() == null ? "" : ": " + error.getMessage()));
            return FAILURE;
        });
        return cli;
    }

    /** "useradmin add", for messages about a subcommand. */
    public static String commandPath(CommandLine command) {
        return command.getParent() == null ? command.getCommandName() : commandPath(command.getParent()) + " " + command.getCommandName();
    }

    /**
     * Picocli's message, except that stray values are never echoed: a password typed on
     * the command line by mistake must not end up in a terminal's scrollback or a CI log.
     */
    private static String describe(CommandLine.ParameterException error, String[] args) {
        if (error instanceof CommandLine.UnmatchedArgumentException unmatched) {
            var subcommands = unmatched.getCommandLine().getSubcommands().keySet();
            var first = unmatched.getUnmatched().getFirst();
            if (!subcommands.isEmpty() && !first.startsWith("-")) {
                // A command name is not a secret; stray values after it are not shown.
                return "unknown command '" + first + "'; the commands are " + String.join(", ", subcommands);
            }
            // An option's name is shown; a value given with it ("--password=...") is not.
            var options = unmatched.getUnmatched().stream().filter(arg -> arg.startsWith("-"))
                    .map(arg -> arg.contains("=") ? arg.substring(0, arg.indexOf('=')) + "=..." : arg).toList();
            long values = unmatched.getUnmatched().size() - options.size();
            var parts = new java.util.ArrayList<String>();
            if (!options.isEmpty()) parts.add("unknown option " + String.join(", ", options));
            if (values > 0) parts.add(values + " unexpected argument" + (values > 1 ? "s" : "") + " (not shown)");
            return String.join("; ", parts);
        }
        return withoutValues(error.getMessage(), args);
    }

    /**
     * The message with every value from the command line blanked out: picocli repeats some in
     * its own messages ("--password-stdin=..." given a value, an invalid value for an option),
     * and a value typed on the command line may be a password. Option names stay.
     */
    static String withoutValues(String message, String[] args) {
        String shown = message;
        for (String arg : args) {
            String value = arg.startsWith("-") ? (arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "") : arg;
            if (value.isEmpty()) continue;
            // Picocli quotes the values it repeats, and may repeat an option as given, "=value" included.
            shown = shown.replace("'" + value + "'", "'...'").replace("=" + value, "=...");
        }
        return shown;
    }
}
