import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HashingGateTest {

    @Test
    void libargon2HashesOnEveryCoreAndPassword4jOnlyAsManyAsTheHeapHolds() {
        long heap128 = 128L << 20;
        assertEquals(4, HashingGate.concurrentHashes(4, heap128, false), "libargon2's memory is off the heap");
        assertEquals(2, HashingGate.concurrentHashes(4, heap128, true), "(128 - 64) / 24 MiB of heap: two password4j hashes");
        assertEquals(4, HashingGate.concurrentHashes(4, 1L << 30, true));
        assertEquals(1, HashingGate.concurrentHashes(4, 64L << 20, true), "always at least one");
        assertEquals(1, HashingGate.concurrentHashes(1, heap128, false));
        assertFalse(PasswordHasher.hashesOnTheHeap(), "this machine runs libargon2");
    }

    @Test
    void runsAtMostTheLimitAtOnceAndTurnsAwayPastTheQueue() throws Exception {
        var gate = new HashingGate(2, 3);
        var release = new CountDownLatch(1);
        var running = new AtomicInteger();
        var maxRunning = new AtomicInteger();
        var started = new CountDownLatch(2);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var results = new ArrayList<Future<Optional<String>>>();
            for (int i = 0; i < 5; i++) {  // 2 run, 3 wait: the capacity exactly
                results.add(pool.submit(() -> gate.run(() -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    started.countDown();
                    await(release);
                    running.decrementAndGet();
                    return "done";
                })));
            }
            assertTrue(started.await(5, TimeUnit.SECONDS));
            waitUntil(() -> gate.inUse() == 5);
            assertTrue(gate.isFull());
            assertEquals(Optional.empty(), gate.run(() -> "turned away"), "a sixth finds the queue full");
            release.countDown();
            for (var r : results) assertEquals(Optional.of("done"), r.get(5, TimeUnit.SECONDS));
        }
        assertEquals(2, maxRunning.get());
        assertFalse(gate.isFull());
        assertEquals(Optional.of("again"), gate.run(() -> "again"), "capacity comes back");
    }

    @Test
    void workThatWaitedTooLongInTheQueueIsGivenUp() throws Exception {
        var now = new java.util.concurrent.atomic.AtomicLong();
        var gate = new HashingGate(1, 4, now::get);
        var release = new CountDownLatch(1);
        var ran = new AtomicInteger();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> gate.run(() -> {
                await(release);
                return "first";
            }));
            waitUntil(() -> gate.inUse() == 1);
            Future<Optional<Integer>> queued = pool.submit(() -> gate.run(ran::incrementAndGet));
            waitUntil(() -> gate.inUse() == 2);
            now.addAndGet(HashingGate.MAX_WAIT.toNanos() + 1);  // the queued work has waited too long
            release.countDown();
            assertEquals(Optional.empty(), queued.get(5, TimeUnit.SECONDS), "given up: the answer is the quick 503");
            assertEquals(0, ran.get(), "the work never ran");
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("condition not reached in 5 s");
            Thread.sleep(10);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
