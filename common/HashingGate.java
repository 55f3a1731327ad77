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

    private final ThreadPoolExecutor pool;

    public HashingGate(int concurrent, int queueCapacity) {
        BlockingQueue<Runnable> queue = queueCapacity > 0 ? new ArrayBlockingQueue<>(queueCapacity) : new SynchronousQueue<>();
        var threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrent, concurrent, 0, TimeUnit.MILLISECONDS, queue, work -> {
            var thread = new Thread(work, "seek-hash-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** At most 16 hashes at once (fits the server's heap), no more than there are cores, and 64 waiting per core. */
    public static HashingGate forThisMachine() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new HashingGate(Math.min(cores, 16), 64 * cores);
    }

    /** How many are running or waiting now. */
    public int inUse() {
        return pool.getActiveCount() + pool.getQueue().size();
    }

    /** Runs the work on the pool and waits for it; empty when the queue was full. The work's exceptions pass through. */
    public <T> Optional<T> run(Supplier<T> work) {
        Future<T> result;
        try {
            result = pool.submit(work::get);
        } catch (RejectedExecutionException full) {
            return Optional.empty();
        }
        try {
            return Optional.of(result.get());
        } catch (ExecutionException e) {
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
