import java.io.Console;
import java.util.Optional;

/** An interactive terminal to prompt on; absent when standard input is piped. */
public interface Terminal {

    String readLine(String prompt);

    /** Reads without echo; null at the end of input. */
    char[] readPassword(String prompt);

    /** The terminal behind System.console(), when there is one. */
    static Optional<Terminal> system() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) return Optional.empty();
        return Optional.of(new Terminal() {
            @Override public String readLine(String prompt) {
                return console.readLine("%s", prompt);
            }

            @Override public char[] readPassword(String prompt) {
                return console.readPassword("%s", prompt);
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
