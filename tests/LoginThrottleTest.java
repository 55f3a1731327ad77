import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        void advance(Duration d) { now = now.plus(d); }
        @Override public Instant instant() { return now; }
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    }

    final ManualClock clock = new ManualClock();
    final LoginThrottle throttle = new LoginThrottle(LoginThrottle.PER_USERNAME, LoginThrottle.PER_ADDRESS, clock);

    void fail(String user, String address, int times) {
        for (int i = 0; i < times; i++) throttle.recordFailure(user, address);
    }

    @Test
    void fiveFreeFailuresPerUsernameThenDoublingDelays() {
        fail("alice", "10.0.0.1", 5);
        assertEquals(Optional.empty(), throttle.retryAfter("alice", "10.0.0.1"));
        fail("alice", "10.0.0.1", 1);
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("alice", "10.0.0.1"));
        fail("alice", "10.0.0.1", 1);
        assertEquals(Optional.of(Duration.ofSeconds(2)), throttle.retryAfter("alice", "10.0.0.2"), "per username, from any address");
        fail("alice", "10.0.0.1", 1);
        assertEquals(Optional.of(Duration.ofSeconds(4)), throttle.retryAfter("alice", "10.0.0.1"));
        assertEquals(Optional.empty(), throttle.retryAfter("bob", "10.0.0.2"));
    }

    @Test
    void theWaitRunsOutWithTime() {
        fail("alice", "a", 7);
        clock.advance(Duration.ofMillis(1500));
        assertEquals(Optional.of(Duration.ofMillis(500)), throttle.retryAfter("alice", "a"));
        clock.advance(Duration.ofMillis(500));
        assertEquals(Optional.empty(), throttle.retryAfter("alice", "a"));
    }

    @Test
    void usernameDelayIsCappedAtOneMinute() {
        fail("alice", "a", 19);  // address still under its 20 free failures
        assertEquals(Optional.of(Duration.ofMinutes(1)), throttle.retryAfter("alice", "b"));
    }

    @Test
    void addressGetsTwentyFreeFailuresAcrossUsernamesAndACapOfFifteenMinutes() {
        for (int i = 0; i < 20; i++) throttle.recordFailure("user" + i, "10.0.0.9");
        assertEquals(Optional.empty(), throttle.retryAfter("someone", "10.0.0.9"));
        throttle.recordFailure("user20", "10.0.0.9");
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.retryAfter("someone", "10.0.0.9"));
        for (int i = 21; i < 60; i++) throttle.recordFailure("user" + i, "10.0.0.9");
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.retryAfter("someone", "10.0.0.9"));
        assertEquals(Optional.empty(), throttle.retryAfter("someone", "10.0.0.10"));
    }

    @Test
    void failuresAreForgottenAfterAQuietPeriod() {
        fail("alice", "a", 8);
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertEquals(Optional.empty(), throttle.retryAfter("alice", "a"));
        fail("alice", "a", 1);
        assertEquals(Optional.empty(), throttle.retryAfter("alice", "a"), "counting starts again");
    }

    @Test
    void successClearsTheUsernameCount() {
        fail("alice", "a", 5);
        throttle.recordSuccess("alice");
        fail("alice", "a", 1);
        assertEquals(Optional.empty(), throttle.retryAfter("alice", "a"));
    }
}
