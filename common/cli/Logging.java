import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on standard error: time, level, logger, message. Stack
 * traces are not printed: messages are written to carry what an operator needs,
 * and an exception's text is not ours to vouch for. Helidon and Hikari say only
 * what is worth a warning.
 */
public final class Logging {

    /**
     * JUL keeps loggers weakly: without these references the levels set below could be forgotten.
     * Set by configure(), not when this class loads, so that keepHandlersAtExit() runs before logging starts.
     */
    private static Logger helidon, hikari;

    private Logging() {}

    public static void configure() {
        configure(Level.ALL);
    }

    /** Records of INFO and above reach every handler; the console prints those at consoleLevel and above. */
    public static void configure(Level consoleLevel) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        var handler = new ConsoleHandler();
        handler.setFormatter(new OneLine());
        handler.setLevel(consoleLevel);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        helidon = Logger.getLogger("io.helidon");
        hikari = Logger.getLogger("com.zaxxer.hikari");
        helidon.setLevel(Level.WARNING);
        // Hikari reports a failing store as SEVERE with a stack of causes; our own one-line messages say it.
        hikari.setLevel(Level.OFF);
    }

    /**
     * The JDK's log manager, except that it keeps its handlers while the JVM exits. The
     * plain one empties them from a shutdown hook of its own, which runs alongside the
     * server's, so the lines a stopping server writes last (its held-back counts) were lost.
     * A script selects it before any logging, with {@link #keepHandlersAtExit()}.
     */
    public static final class KeptAtExit extends LogManager {
        @Override
        public void reset() {
            if (!exiting()) super.reset();
        }

        private static boolean exiting() {
            var probe = new Thread(() -> {});
            try {
                Runtime.getRuntime().addShutdownHook(probe);
                Runtime.getRuntime().removeShutdownHook(probe);
                return false;
            } catch (IllegalStateException shutdownInProgress) {
                return true;
            }
        }
    }

    /** Must run before anything logs: the JDK reads this property once, when logging starts. */
    public static void keepHandlersAtExit() {
        System.setProperty("java.util.logging.manager", KeptAtExit.class.getName());
    }

    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            String thrown = record.getThrown() == null ? "" : " (" + record.getThrown().getClass().getName() + ")";
            return String.format("%1$tFT%1$tT.%1$tLZ %2$-7s %3$s: %4$s%5$s%n",
                    record.getInstant().atZone(java.time.ZoneOffset.UTC), record.getLevel().getName(),
                    record.getLoggerName(), formatMessage(record), thrown);
        }
    }
}
