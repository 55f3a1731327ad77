import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A terminal that answers prompts from a script, in order, and records what it was
 * asked and told. A null answer is the end of input (Ctrl-D). Prompts read without
 * echo are recorded as "no-echo PROMPT".
 */
public final class ScriptedTerminal implements Terminal {

    private final ArrayDeque<String> answers;
    private final boolean echoAllowed;
    public final List<String> prompts = new ArrayList<>();
    public final List<String> told = new ArrayList<>();

    private ScriptedTerminal(boolean echoAllowed, String... answers) {
        this.echoAllowed = echoAllowed;
        this.answers = new ArrayDeque<>();
        // ArrayDeque takes no nulls: the end of input is kept as a marker.
        Arrays.stream(answers).map(a -> a == null ? END : a).forEach(this.answers::add);
    }

    private static final String END = "\u0000end of input";

    /** A terminal for the client: lines and passwords alike come from the answers. */
    public static ScriptedTerminal answering(String... answers) {
        return new ScriptedTerminal(true, answers);
    }

    /** A terminal on which reading with echo is a test failure (for passwords only). */
    public static ScriptedTerminal passwordsOnly(String... answers) {
        return new ScriptedTerminal(false, answers);
    }

    @Override public String readLine(String prompt) {
        if (!echoAllowed) throw new AssertionError("a password is never read with echo");
        prompts.add(prompt);
        return next();
    }

    @Override public char[] readPassword(String prompt) {
        prompts.add("no-echo " + prompt);
        String answer = next();
        return answer == null ? null : answer.toCharArray();
    }

    @Override public void tell(String message) {
        told.add(message);
    }

    private String next() {
        String answer = answers.poll();
        return answer == null || answer.equals(END) ? null : answer;
    }
}
