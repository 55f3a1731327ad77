import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Password hashes run here, on a bounded pool of platform threads of their own (each
 * Argon2id takes about 19 MiB and a core for a tenth of a second), behind a bounded
 * queue. Requests wait for their hash on their own virtual threads, which leaves the
 * carrier threads free, so answers that need no hash stay fast while the pool is busy.
 * Work that finds the queue full is turned away at once: a flood cannot exhaust memory.
 */
public final class HashingGate {

    /** The longest a hash may wait in the queue before it is given up, and the answer is a quick 503. */
    static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(3);

    /** Thrown inside the pool for work that waited too long; never seen outside this class. */
    private static final class WaitedTooLong extends RuntimeException {
        WaitedTooLong() {
            super(null, null, false, false);
        }
    }

    private final ThreadPoolExecutor pool;

    private final java.util.function.LongSupplier nanoTime;

    public HashingGate(int concurrent, int queueCapacity) {
        this(concurrent, queueCapacity, System::nanoTime);
    }

    /** With the clock that times the queue wait given (tests move one by hand). */
    HashingGate(int concurrent, int queueCapacity, java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        BlockingQueue<Runnable> queue = queueCapacity > 0 ? new ArrayBlockingQueue<>(queueCapacity) : new SynchronousQueue<>();
        var threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrent, concurrent, 0, TimeUnit.MILLISECONDS, queue, work -> {
            var thread = new Thread(work, "seek-hash-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The heap one running Argon2id hash needs in password4j (19 MiB of memory blocks), with some room. */
    static final long HEAP_PER_HASH = 24L << 20;
    /** The heap the rest of the server needs: Helidon, the store, requests in flight. */
    static final long HEAP_FOR_THE_REST = 64L << 20;

    /**
     * As many hashes at once as there are cores, and 16 waiting per running hash: a wait of
     * about a second at most, rather than a queue that keeps answers waiting past the
     * connection limits. Where hashes run in password4j, on the heap, no more than the heap
     * has room for, so a flood cannot run the server out of memory; libargon2's 19 MiB per
     * hash are outside the heap and freed at once.
     */
    public static HashingGate forThisMachine() {
        int concurrent = concurrentHashes(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(),
                PasswordHasher.hashesOnTheHeap());
        return new HashingGate(concurrent, 16 * concurrent);
    }

    static int concurrentHashes(int cores, long maxHeap, boolean hashesOnTheHeap) {
        if (!hashesOnTheHeap) return Math.max(1, cores);
        long fits = (maxHeap - HEAP_FOR_THE_REST) / HEAP_PER_HASH;
        return (int) Math.max(1, Math.min(cores, fits));
    }

    /** Whether work would be turned away now: a cheap look before anything else is done for it. */
    public boolean isFull() {
        return pool.getQueue().remainingCapacity() == 0 && pool.getActiveCount() >= pool.getMaximumPoolSize();
    }

    /** How many are running or waiting now. */
    public int inUse() {
        return running() + queued();
    }

    /** How many hashes run now. */
    public int running() {
        return pool.getActiveCount();
    }

    /** How many hashes wait for a thread now. */
    public int queued() {
        return pool.getQueue().size();
    }

    /**
     * Runs the work on the pool and waits for it; empty when the queue was full, or when the
     * work waited in it longer than {@link #MAX_WAIT} (under a flood on a busy machine: its
     * client has waited long enough, and the connection limits must not close on it).
     * The work's own exceptions pass through.
     */
    public <T> Optional<T> run(Supplier<T> work) {
        long queuedAt = nanoTime.getAsLong();
        Future<T> result;
        try {
            result = pool.submit(() -> {
                if (nanoTime.getAsLong() - queuedAt > MAX_WAIT.toNanos()) throw new WaitedTooLong();
                return work.get();
            });
        } catch (RejectedExecutionException full) {
            return Optional.empty();
        }
        try {
            return Optional.of(result.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WaitedTooLong) return Optional.empty();
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
