import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's meters, in a registry of its own that the admin socket serves in Prometheus's
 * text format. Every counter is made at start, at zero, so a dashboard sees each series from
 * the first scrape, and each answer finds its counter without a lookup.
 */
public final class ServerMetrics implements DecisionMetrics {

    /** Hash durations are counted into these buckets: Argon2id at our parameters takes tens of milliseconds. */
    private static final Duration[] HASH_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30),
            Duration.ofMillis(50), Duration.ofMillis(75), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2)};

    public final MeterRegistry registry;
    private final Counter ok;
    private final Map<CheckResult.Refusal, Counter> refusals = new EnumMap<>(CheckResult.Refusal.class);
    private final Map<String, Counter> throttled;
    private final Counter replays;
    private final Counter storeErrors;
    private final Timer hashDuration;

    @SuppressWarnings("removal")  // Helidon 4.5 marks it for a future major version; it is how a registry of one's own is made in 4.x
    public ServerMetrics(HashingGate gate, String argon2Engine) {
        registry = Metrics.createMeterRegistry(MetricsConfig.create());
        ok = decisions("OK");
        for (var refusal : CheckResult.Refusal.values()) refusals.put(refusal, decisions(refusal.name()));
        throttled = Map.of("account", throttledCounter("account"), "device", throttledCounter("device"),
                "address", throttledCounter("address"));
        replays = registry.getOrCreate(Counter.builder("seek.proof.replays.refused")
                .description("signed headers refused as replays (PROOF_REPLAYED)"));
        storeErrors = registry.getOrCreate(Counter.builder("seek.store.errors")
                .description("decisions the store failed (answered 503)"));
        hashDuration = registry.getOrCreate(Timer.builder("seek.hash.duration").buckets(HASH_BUCKETS)
                .description("time of one Argon2id verify, without its wait for a thread"));
        registry.getOrCreate(Gauge.builder("seek.hashes.running", gate::running).description("Argon2id hashes running now"));
        registry.getOrCreate(Gauge.builder("seek.hashes.queued", gate::queued).description("Argon2id hashes waiting for a thread now"));
        registry.getOrCreate(Gauge.builder("seek.argon2.engine", () -> 1).addTag(Tag.create("engine", argon2Engine))
                .description("the Argon2 code that runs: libargon2, or password4j where the native library does not load"));
    }

    private Counter decisions(String code) {
        return registry.getOrCreate(Counter.builder("seek.decisions").addTag(Tag.create("code", code))
                .description("answers of GET /check, by their code (OK for 200)"));
    }

    private Counter throttledCounter(String kind) {
        return registry.getOrCreate(Counter.builder("seek.throttled").addTag(Tag.create("key", kind))
                .description("429 answers, by the kind of budget key that said wait"));
    }

    @Override
    public void decided(CheckResult result) {
        switch (result) {
            case CheckResult.Ok o -> ok.increment();
            case CheckResult.Refused refused -> {
                refusals.get(refused.reason()).increment();
                if (refused.reason() == CheckResult.Refusal.PROOF_REPLAYED) replays.increment();
            }
        }
    }

    @Override
    public void throttled(String keyKind) {
        var counter = throttled.get(keyKind);
        if (counter != null) counter.increment();
    }

    @Override
    public void hashed(long nanos) {
        hashDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void storeFailed() {
        storeErrors.increment();
    }
}
