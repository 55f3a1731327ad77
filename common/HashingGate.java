import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Limits how many password hashes run at once (each Argon2id takes about 19 MiB
 * and a core), with a bounded queue behind them. Work that finds the queue full
 * is turned away at once, so a flood of requests cannot exhaust memory.
 */
public final class HashingGate {

    private final Semaphore running;
    private final int capacity;
    private final AtomicInteger admitted = new AtomicInteger();

    public HashingGate(int concurrent, int queueCapacity) {
        this.running = new Semaphore(concurrent, true);
        this.capacity = concurrent + queueCapacity;
    }

    /** At most 16 hashes at once (fits the server's 512 MiB heap), no more than there are cores, and 64 waiting per core. */
    public static HashingGate forThisMachine() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new HashingGate(Math.min(cores, 16), 64 * cores);
    }

    /** How many are running or waiting now. */
    public int inUse() {
        return admitted.get();
    }

    /** Runs the work when its turn comes; empty when the queue was full. */
    public <T> Optional<T> run(Supplier<T> work) {
        if (admitted.incrementAndGet() > capacity) {
            admitted.decrementAndGet();
            return Optional.empty();
        }
        try {
            running.acquireUninterruptibly();
            try {
                return Optional.of(work.get());
            } finally {
                running.release();
            }
        } finally {
            admitted.decrementAndGet();
        }
    }
}
