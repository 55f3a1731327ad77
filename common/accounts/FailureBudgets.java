import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The failure budgets of contract section 3, kept in the store so that they hold across
 * every server instance and every concurrent request.
 *
 * <p>An attempt is counted under two keys: its account (one key for attempts from the
 * machine the user is bound to, another for every other attempt on that username, so a
 * stranger cannot lock alice out of her own machine) and its client address. An attempt
 * proven by the bound device key (contract section 8) is counted under its own account
 * key only: neither strangers nor neighbours behind its NAT address can lock it out.
 * Before its hash runs, {@link #reserve} takes a slot on the keys atomically, or refuses
 * with how long to wait. The slot counts as a failure from that moment: an attempt whose
 * outcome is never written (a store hiccup, an instance that died) stays counted. Afterwards
 * {@link #settle} confirms the failure, or refunds it (an abandoned attempt), or, for a
 * verified password, clears the account key.
 */
public final class FailureBudgets {

    /**
     * How one kind of key is budgeted: free failures, then a wait that starts at firstWait
     * and doubles with each further failure up to maxWait; forgotten after forgetAfter
     * without a failure. With windowCap above 0, also at most windowCap failures per window.
     */
    public record Policy(int freeFailures, Duration firstWait, Duration maxWait, Duration forgetAfter,
                         int windowCap, Duration window) {

        /** The wait after this many consecutive failures: zero while they are free. */
        Duration backoff(int failures) {
            if (failures < freeFailures) return Duration.ZERO;
            Duration wait = firstWait.multipliedBy(1L << Math.min(failures - freeFailures, 30));
            return wait.compareTo(maxWait) > 0 ? maxWait : wait;
        }
    }

    public static final Policy ACCOUNT_FROM_BOUND_MACHINE =
            new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 0, Duration.ZERO);
    /** NIST SP 800-63B 5.2.2: no more than 100 failures on one account in a day. */
    public static final Policy ACCOUNT_FROM_ELSEWHERE =
            new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 100, Duration.ofHours(24));
    /**
     * A binding with a device key: only the device itself can count here, so the day's cap
     * limits a stolen laptop, not the owner (contract section 8).
     */
    public static final Policy ACCOUNT_FROM_BOUND_DEVICE =
            new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 100, Duration.ofHours(24));
    public static final Policy ADDRESS =
            new Policy(20, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofHours(1), 0, Duration.ZERO);

    /** A slot held longer than this belongs to an instance that died mid-attempt; it is given back. */
    static final Duration STALE_RESERVATION = Duration.ofMinutes(1);
    /** The wait while the free budget is taken by attempts still in flight. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(1);
    /** How often one instance deletes forgotten counters. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    /** What became of an attempt that held a reservation. */
    public enum Outcome {
        /** The password was wrong (a 401): the failure counted at the reservation stands, on every key. */
        FAILED,
        /** The password verified: the account key is cleared, the address's failure refunded. */
        VERIFIED,
        /** No verdict (busy, a replayed proof, store failure): the failures are refunded, nothing counts. */
        ABANDONED
    }

    /** Where an attempt comes from, as far as the budgets are concerned. */
    public enum Origin {
        /** The machine ID of a binding without a device key. */
        BOUND_MACHINE("machine:"),
        /** The machine ID of a binding with a device key, and a valid proof by that key: no address key. */
        BOUND_DEVICE("device:"),
        /** Anywhere else, unknown users included. */
        ELSEWHERE("account:");

        final String keyPrefix;

        Origin(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }
    }

    /** The answer of {@link #reserve}: go ahead holding these slots, or wait. */
    public sealed interface Reservation {}

    /** The attempt holds a slot on each of these keys until it is settled (addressKey is null for a bound device). */
    public record Admitted(String accountKey, String addressKey) implements Reservation {
        List<String> keys() {
            return addressKey == null ? List.of(accountKey) : List.of(accountKey, addressKey);
        }
    }

    /**
     * The attempt must wait this long (whole seconds, at least one), because of a key of this
     * kind: "account", "device" (a bound device key's) or "address" (for the metrics; never a name).
     */
    public record Refused(Duration retryAfter, String keyKind) implements Reservation {}

    /** The kind of a budget key, as the metrics count refusals: no username or address in it. */
    static String kindOf(String key) {
        if (key.startsWith(Origin.BOUND_DEVICE.keyPrefix)) return "device";
        if (key.startsWith("address:")) return "address";
        return "account";
    }

    private final Store store;
    private final Clock clock;
    /** When this instance last deleted forgotten counters (epoch ms; 0: not yet). */
    private volatile long lastSweep = 0;

    public FailureBudgets(Store store) {
        this(store, Clock.systemUTC());
    }

    public FailureBudgets(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The account key for an attempt on this (canonical) username. */
    static String accountKey(String username, Origin origin) {
        return origin.keyPrefix + username;
    }

    static String addressKey(String clientAddress) {
        return "address:" + clientAddress;
    }

    static Policy policyOf(String key) {
        if (key.startsWith(Origin.BOUND_MACHINE.keyPrefix)) return ACCOUNT_FROM_BOUND_MACHINE;
        if (key.startsWith(Origin.BOUND_DEVICE.keyPrefix)) return ACCOUNT_FROM_BOUND_DEVICE;
        if (key.startsWith(Origin.ELSEWHERE.keyPrefix)) return ACCOUNT_FROM_ELSEWHERE;
        return ADDRESS;
    }

    /**
     * Takes a slot on the attempt's account key and (except for a bound device) its address
     * key, or refuses when either must wait. Throws {@link Store.StoreException} when the
     * store fails.
     */
    public Reservation reserve(String username, Origin origin, String clientAddress) {
        sweepIfDue();
        return store.inTransaction(tx -> reserve(tx, username, origin, clientAddress));
    }

    /**
     * The same, as part of a transaction the caller runs (a check's reads before its hash, say);
     * the sweep is the caller's to ask for first ({@link #sweepIfDue}).
     */
    public Reservation reserve(Store.Tx tx, String username, Origin origin, String clientAddress) {
        long now = clock.millis();
        var admitted = new Admitted(accountKey(username, origin), origin == Origin.BOUND_DEVICE ? null : addressKey(clientAddress));
        // Keys in sorted order, as every transaction takes them, so that two never wait on each other.
        var fresh = new ArrayList<String>();
        var held = new ArrayList<Store.Counter>();
        for (String key : new java.util.TreeSet<>(admitted.keys())) {
            // The common case, a key with no counter: the insert is the reservation. Once a key
            // has one (a refusal is likely), the rest are locked without trying.
            if (held.isEmpty() && tx.insertCounterIfAbsent(withForgetAt(reserved(Store.Counter.empty(key), policyOf(key), now), now))) {
                fresh.add(key);
            } else {
                held.add(current(tx.lockCounter(key), now));
            }
        }
        long wait = 0;
        String waitingOn = null;
        for (Store.Counter counter : held) {
            long keyWait = waitMillis(counter, policyOf(counter.key()), now);
            if (keyWait > wait) {
                wait = keyWait;
                waitingOn = counter.key();
            }
        }
        if (wait > 0) {
            // A refusal leaves the counters as they were (one made empty just now is swept later).
            tx.writeCounters(fresh.stream().map(Store.Counter::empty).toList());
            return new Refused(wholeSeconds(wait), kindOf(waitingOn));
        }
        tx.writeCounters(held.stream().map(c -> withForgetAt(reserved(c, policyOf(c.key()), now), now)).toList());
        return admitted;
    }

    /**
     * Settles a reservation. Never throws: when the store fails, the slots are
     * given back by time instead ({@link #STALE_RESERVATION}).
     */
    public void settle(Admitted reservation, Outcome outcome) {
        try {
            store.inTransaction(tx -> {
                settle(tx, reservation, outcome);
                return null;
            });
        } catch (Store.StoreException e) {
            System.getLogger("seek-auth.budgets").log(System.Logger.Level.WARNING,
                    "could not settle an attempt's failure counters: " + e.getMessage());
        }
    }

    /** The same, as part of a transaction the caller runs (a check's record after its hash, say); its failure is the caller's. */
    public void settle(Store.Tx tx, Admitted reservation, Outcome outcome) {
        long now = clock.millis();
        for (String key : new java.util.TreeSet<>(reservation.keys())) {
            // The common case, an attempt alone on its key that did not fail: one delete.
            if (outcome != Outcome.FAILED && tx.deleteLoneReservation(key, now - STALE_RESERVATION.toMillis())) continue;
            var counter = current(tx.lockCounter(key), now);
            tx.writeCounters(List.of(withForgetAt(settled(counter, policyOf(key), outcome, key.equals(reservation.accountKey()), now), now)));
        }
    }

    /** Clears the user's account counters (every kind), e.g. after an attack; returns how many there were. */
    public long unlock(String username) {
        return store.deleteCounters(java.util.Arrays.stream(Origin.values()).map(origin -> accountKey(username, origin)).toList());
    }

    /** Clears the counter of a client address key (see {@link Addresses#budgetKey}); returns how many there were. */
    public long unlockAddress(String addressKey) {
        return store.deleteCounters(List.of(addressKey(addressKey)));
    }

    /** Deletes every counter that has been forgotten; returns how many. */
    public long deleteForgotten() {
        long now = clock.millis();
        lastSweep = now;
        return store.deleteForgottenCounters(now, now - STALE_RESERVATION.toMillis());
    }

    /** Deletes forgotten counters when this instance has not for a while (at most once a minute); outside any transaction. */
    public void sweepIfDue() {
        if (clock.millis() - lastSweep >= SWEEP_EVERY.toMillis()) deleteForgotten();
    }

    /**
     * The counter as it stands now: the slots of attempts that never settled are given back
     * (their failures stay counted), failures and windows forgotten in time.
     */
    static Store.Counter current(Store.Counter c, long now) {
        Policy policy = policyOf(c.key());
        int inFlight = c.inFlight() > 0 && now - c.inFlightAt() > STALE_RESERVATION.toMillis() ? 0 : c.inFlight();
        boolean failuresForgotten = c.failures() > 0 && now > lastActivity(c) + policy.forgetAfter().toMillis();
        boolean windowOver = c.windowFailures() > 0 && now >= c.windowStart() + policy.window().toMillis();
        return new Store.Counter(c.key(), failuresForgotten ? 0 : c.failures(), c.lastFailureAt(), inFlight, c.inFlightAt(),
                windowOver ? 0 : c.windowStart(), windowOver ? 0 : c.windowFailures(), c.forgetAt());
    }

    /** The later of the last confirmed failure and the last reservation: what "quiet" counts from. */
    private static long lastActivity(Store.Counter c) {
        return Math.max(c.lastFailureAt(), c.inFlightAt());
    }

    /**
     * How long an attempt on this key must wait now, in milliseconds; 0 to go ahead. The
     * failures include those of attempts still in flight; the backoff counts only the others.
     */
    static long waitMillis(Store.Counter c, Policy policy, long now) {
        long wait = 0;
        if (policy.windowCap() > 0 && c.windowFailures() >= policy.windowCap()) {
            wait = c.windowStart() + policy.window().toMillis() - now;
        }
        if (c.failures() < policy.freeFailures()) return wait;
        int settledFailures = c.failures() - c.inFlight();
        if (settledFailures < policy.freeFailures()) {
            // The free budget is taken by attempts still in flight: at most that many verify at once.
            return Math.max(wait, IN_FLIGHT_WAIT.toMillis());
        }
        long backoffLeft = c.lastFailureAt() + policy.backoff(settledFailures).toMillis() - now;
        if (backoffLeft > 0) return Math.max(wait, backoffLeft);
        // The wait is over: one attempt at a time may try.
        return c.inFlight() > 0 ? Math.max(wait, IN_FLIGHT_WAIT.toMillis()) : wait;
    }

    /** A slot taken: one more attempt in flight, and its failure counted already (in the window too). */
    static Store.Counter reserved(Store.Counter c, Policy policy, long now) {
        boolean windowed = policy.windowCap() > 0;
        long windowStart = !windowed ? 0 : c.windowFailures() == 0 ? now : c.windowStart();
        int windowFailures = !windowed ? 0 : c.windowFailures() + 1;
        return new Store.Counter(c.key(), c.failures() + 1, c.lastFailureAt(), c.inFlight() + 1, now, windowStart, windowFailures, 0);
    }

    static Store.Counter settled(Store.Counter c, Policy policy, Outcome outcome, boolean isAccountKey, long now) {
        // A slot that went stale meanwhile was given back already; its failure was counted, so no refund either.
        boolean held = c.inFlight() > 0;
        int inFlight = Math.max(0, c.inFlight() - 1);
        int refund = held ? 1 : 0;
        boolean windowed = policy.windowCap() > 0;
        return switch (outcome) {
            case FAILED -> new Store.Counter(c.key(), c.failures(), now, inFlight, c.inFlightAt(), c.windowStart(), c.windowFailures(), c.forgetAt());
            case VERIFIED -> isAccountKey
                    // Cleared, but for the failures of other attempts still in flight on it.
                    ? new Store.Counter(c.key(), inFlight, 0, inFlight, c.inFlightAt(), windowed && inFlight > 0 ? now : 0,
                            windowed ? inFlight : 0, 0)
                    : refunded(c, inFlight, refund, windowed);
            case ABANDONED -> refunded(c, inFlight, refund, windowed);
        };
    }

    private static Store.Counter refunded(Store.Counter c, int inFlight, int refund, boolean windowed) {
        int windowFailures = windowed ? Math.max(0, c.windowFailures() - refund) : 0;
        return new Store.Counter(c.key(), Math.max(0, c.failures() - refund), c.lastFailureAt(), inFlight, c.inFlightAt(),
                windowFailures == 0 ? 0 : c.windowStart(), windowFailures, c.forgetAt());
    }

    /** When the counter may be deleted: once its failures and its window are both forgotten. */
    static Store.Counter withForgetAt(Store.Counter c, long now) {
        Policy policy = policyOf(c.key());
        long forgetAt = now;
        if (c.failures() > 0) forgetAt = Math.max(forgetAt, lastActivity(c) + policy.forgetAfter().toMillis());
        if (c.windowFailures() > 0) forgetAt = Math.max(forgetAt, c.windowStart() + policy.window().toMillis());
        return new Store.Counter(c.key(), c.failures(), c.lastFailureAt(), c.inFlight(), c.inFlightAt(),
                c.windowStart(), c.windowFailures(), forgetAt);
    }

    /** Retry-After is whole seconds, rounded up, and at least one. */
    static Duration wholeSeconds(long millis) {
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }
}
