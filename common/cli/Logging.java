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

    /** JUL keeps loggers weakly: without these references the levels set below could be forgotten. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final Logger HIKARI = Logger.getLogger("com.zaxxer.hikari");

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
        HELIDON.setLevel(Level.WARNING);
        // Hikari reports a failing store as SEVERE with a stack of causes; our own one-line messages say it.
        HIKARI.setLevel(Level.OFF);
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
