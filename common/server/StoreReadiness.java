import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness (contract section 12): ready only while the store answers a trivial query within
 * {@link #WITHIN}, so a proxy or an orchestrator stops sending logins that would be answered
 * 503. A query still waiting from an earlier probe is waited on, not joined by another.
 */
final class StoreReadiness implements HealthCheck {

    static final Duration WITHIN = Duration.ofSeconds(2);

    private final Store store;
    private Future<?> pending;

    StoreReadiness(Store store) {
        this.store = store;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "store";
    }

    @Override
    public HealthCheckResponse call() {
        Future<?> ping = ping();
        try {
            ping.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            return HealthCheckResponse.builder().status(HealthCheckResponse.Status.UP).build();
        } catch (TimeoutException e) {
            return down("no answer within " + WITHIN.toSeconds() + " s");
        } catch (ExecutionException e) {
            return down("the store failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        }
    }

    private synchronized Future<?> ping() {
        if (pending == null || pending.isDone()) {
            var task = new FutureTask<>(store::ping, null);
            Thread.ofVirtual().name("seek-ready").start(task);
            pending = task;
        }
        return pending;
    }

    private static HealthCheckResponse down(String why) {
        return HealthCheckResponse.builder().status(HealthCheckResponse.Status.DOWN).detail("store", why).build();
    }
}
