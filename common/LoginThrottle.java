import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Exponential backoff after repeated failed logins, counted separately per
 * username and per client address (SPEC section 3, step 3).
 *
 * <p>A key gets a few failures free; each further failure doubles the wait
 * before the next attempt, up to a cap. A key's count is forgotten after a
 * quiet period. The username cap is short, so someone guessing at alice's
 * password cannot lock alice out for long; the address cap is long, so one
 * address cannot keep guessing across many usernames. A success clears the
 * username's count. State lives in memory, per server instance, bounded in size.
 */
public final class LoginThrottle {

    /** How one kind of key is throttled. */
    public record Policy(int freeFailures, Duration firstDelay, Duration maxDelay, Duration forgetAfter) {

        /** The wait after {@code failures} consecutive failures: zero while they are free. */
        Duration delayAfter(int failures) {
            int excess = failures - freeFailures;
            if (excess <= 0) return Duration.ZERO;
            Duration delay = firstDelay.multipliedBy(1L << Math.min(excess - 1, 30));
            return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
        }
    }

    public static final Policy PER_USERNAME = new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15));
    public static final Policy PER_ADDRESS = new Policy(20, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofHours(1));
    private static final int MAX_TRACKED_KEYS = 100_000;

    private record Failures(int count, Instant last) {}

    private final Policy usernamePolicy;
    private final Policy addressPolicy;
    private final Clock clock;
    private final Map<String, Failures> byUsername = boundedMap();
    private final Map<String, Failures> byAddress = boundedMap();

    public LoginThrottle() {
        this(PER_USERNAME, PER_ADDRESS, Clock.systemUTC());
    }

    LoginThrottle(Policy usernamePolicy, Policy addressPolicy, Clock clock) {
        this.usernamePolicy = usernamePolicy;
        this.addressPolicy = addressPolicy;
        this.clock = clock;
    }

    /** How long this attempt must wait, or empty when it may go ahead. */
    public synchronized Optional<Duration> retryAfter(String username, String address) {
        Instant now = clock.instant();
        Duration wait = max(remaining(byUsername, username, usernamePolicy, now), remaining(byAddress, address, addressPolicy, now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    public synchronized void recordFailure(String username, String address) {
        Instant now = clock.instant();
        increment(byUsername, username, usernamePolicy, now);
        increment(byAddress, address, addressPolicy, now);
    }

    public synchronized void recordSuccess(String username) {
        byUsername.remove(username);
    }

    private static Duration remaining(Map<String, Failures> map, String key, Policy policy, Instant now) {
        Failures failures = current(map, key, policy, now);
        if (failures == null) return Duration.ZERO;
        Duration left = Duration.between(now, failures.last().plus(policy.delayAfter(failures.count())));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static void increment(Map<String, Failures> map, String key, Policy policy, Instant now) {
        Failures failures = current(map, key, policy, now);
        map.put(key, new Failures(failures == null ? 1 : failures.count() + 1, now));
    }

    /** The key's failures, or null when there are none or they are old enough to forget. */
    private static Failures current(Map<String, Failures> map, String key, Policy policy, Instant now) {
        Failures failures = map.get(key);
        if (failures != null && now.isAfter(failures.last().plus(policy.forgetAfter()))) {
            map.remove(key);
            return null;
        }
        return failures;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Least recently touched keys go first when the map is full, so a flood of keys cannot exhaust memory. */
    private static Map<String, Failures> boundedMap() {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > MAX_TRACKED_KEYS;
            }
        };
    }
}
