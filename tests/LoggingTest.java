import static org.junit.jupiter.api.Assertions.*;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** One line per event, and never a stack trace: an exception is named, not printed. */
class LoggingTest {

    @Test
    void aRecordIsOneLineWithTheExceptionNamedOnly() {
        var record = new LogRecord(Level.WARNING, "store failure: connection refused");
        record.setLoggerName("seek-auth.check");
        record.setInstant(java.time.Instant.parse("2026-11-25T10:00:00.123Z"));
        record.setThrown(new IllegalStateException("with a message we do not vouch for"));
        String line = new Logging.OneLine().format(record);
        assertEquals("2026-11-25T10:00:00.123Z WARNING seek-auth.check: store failure: connection refused (java.lang.IllegalStateException)\n",
                line.replace(System.lineSeparator(), "\n"));
    }
}
