import java.io.Console;
import java.nio.charset.Charset;
import java.util.Optional;

/** An interactive terminal to prompt on; absent when standard input is piped. */
public interface Terminal {

    /** Reads a line; null at the end of input (Ctrl-D). */
    String readLine(String prompt);

    /** Reads without echo; null at the end of input. */
    char[] readPassword(String prompt);

    /** Prints a line to the user, e.g. why an entry was refused. */
    void tell(String message);

    /**
     * What the user typed could not be decoded in the terminal's charset: under LANG=C,
     * say, a non-ASCII character arrives as U+FFFD. Sending that instead of what was
     * typed would give a wrong password without a word, so it is refused.
     */
    final class UndecodableInputException extends RuntimeException {
        public UndecodableInputException(Charset charset) {
            super("the terminal sent characters that its charset (" + charset + ", from the locale) cannot read;"
                    + " use a UTF-8 locale (e.g. LANG=C.UTF-8) or pipe the input");
        }
    }

    /** A line of piped input without the \r a Windows line ending leaves on it. */
    static String withoutCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The terminal behind System.console(), when there is one. */
    static Optional<Terminal> system() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) return Optional.empty();
        return Optional.of(new Terminal() {
            @Override public String readLine(String prompt) {
                String line = console.readLine("%s", prompt);
                if (line != null && line.indexOf('\uFFFD') >= 0) throw new UndecodableInputException(console.charset());
                return line;
            }

            @Override public char[] readPassword(String prompt) {
                char[] typed = console.readPassword("%s", prompt);
                if (typed != null && new String(typed).indexOf('\uFFFD') >= 0) {
                    java.util.Arrays.fill(typed, '\0');
                    throw new UndecodableInputException(console.charset());
                }
                return typed;
            }

            @Override public void tell(String message) {
                console.format("%s%n", message).flush();
            }
        });
    }

    /** Console.isTerminal() exists from Java 22, where System.console() is no longer null when redirected. */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true;
        }
    }
}
