import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The log of /check decisions (contract section 7). Every decision that verified a password
 * gets a line of its own. Answers that cost no hashing (a missing or malformed header, a
 * throttled or turned-away attempt) can come by the ten thousand a second, so each kind
 * gets at most one line per window: the first one as it is, then one line that counts
 * the rest.
 */
public final class DecisionLog {

    static final Duration WINDOW = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger("seek-auth.check");

    /** One kind's window: when it began, and how many lines of it were held back since. */
    private static final class Window {
        final long startedAt;
        final java.util.concurrent.atomic.LongAdder heldBack = new java.util.concurrent.atomic.LongAdder();

        Window(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    private final Clock clock;
    private final Consumer<String> sink;
    /** Read without a lock on the hot path (a flood of one kind); replaced under the lock. */
    private final java.util.concurrent.ConcurrentHashMap<String, Window> windows = new java.util.concurrent.ConcurrentHashMap<>();

    /** Every log made by toSystemLog() that is still in use, for the one timer that writes their counts. */
    private static final java.util.Set<DecisionLog> LIVE = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    static {
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(work -> {
            var thread = new Thread(work, "seek-log-summary");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> {
            java.util.List<DecisionLog> logs;
            synchronized (LIVE) {
                logs = java.util.List.copyOf(LIVE);
            }
            logs.forEach(DecisionLog::flush);
        }, WINDOW.toMillis() / 2, WINDOW.toMillis() / 2, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Logs to "seek-auth.check"; a timer writes held-back counts once their window is over. */
    public static DecisionLog toSystemLog() {
        var log = new DecisionLog(Clock.systemUTC(), line -> LOG.log(Level.INFO, line));
        synchronized (LIVE) {
            LIVE.add(log);
        }
        return log;
    }

    DecisionLog(Clock clock, Consumer<String> sink) {
        this.clock = clock;
        this.sink = sink;
    }

    /** A decision that verified a password: always its own line. */
    public void verified(String line) {
        sink.accept(line);
    }

    /** A decision that cost no hashing, of this kind: its line is made and written only if it opens a window. */
    public void cheap(String kind, java.util.function.Supplier<String> line) {
        long now = clock.millis();
        Window window = windows.get(kind);
        if (window != null && now - window.startedAt < WINDOW.toMillis()) {
            window.heldBack.increment();
            return;
        }
        String summary;
        synchronized (windows) {
            window = windows.get(kind);
            if (window != null && now - window.startedAt < WINDOW.toMillis()) {
                window.heldBack.increment();  // another thread opened it just now
                return;
            }
            summary = window == null ? null : summary(kind, window.heldBack.sum());
            windows.put(kind, new Window(now));
        }
        if (summary != null) sink.accept(summary);
        sink.accept(line.get());
    }

    /** Writes the count of every kind whose window is over, and forgets those windows. */
    public void flush() {
        writeCounts(false);
    }

    /**
     * Writes every count still held back, window over or not, and leaves the timer: a closed
     * server's counts are said at once, never lost and never written after it stopped.
     */
    public void close() {
        synchronized (LIVE) {
            LIVE.remove(this);
        }
        writeCounts(true);
    }

    /** Whether the timer still writes this log's counts. */
    boolean onTimer() {
        synchronized (LIVE) {
            return LIVE.contains(this);
        }
    }

    private void writeCounts(boolean evenUnfinishedWindows) {
        long now = clock.millis();
        var summaries = new java.util.ArrayList<String>();
        synchronized (windows) {
            var over = windows.entrySet().iterator();
            while (over.hasNext()) {
                var entry = over.next();
                if (!evenUnfinishedWindows && now - entry.getValue().startedAt < WINDOW.toMillis()) continue;
                String summary = summary(entry.getKey(), entry.getValue().heldBack.sum());
                if (summary != null) summaries.add(summary);
                over.remove();
            }
        }
        summaries.forEach(sink);
    }

    /** The count line, or null when nothing was held back. */
    private static String summary(String kind, long heldBack) {
        if (heldBack == 0) return null;
        return "decision=" + kind + " repeated " + heldBack + " more time" + (heldBack == 1 ? "" : "s")
                + " within " + WINDOW.toSeconds() + " s (not logged one by one)";
    }
}
