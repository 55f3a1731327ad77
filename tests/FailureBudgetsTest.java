import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budgets of contract section 3 on a real store, with a clock the test moves instead of sleeping. */
class FailureBudgetsTest {

    static final FailureBudgets.Origin ELSEWHERE = FailureBudgets.Origin.ELSEWHERE;
    static final FailureBudgets.Origin BOUND_MACHINE = FailureBudgets.Origin.BOUND_MACHINE;

    static final String ADDR = "192.0.2.1";

    @TempDir Path dir;
    Store store;
    final TestClock clock = new TestClock();
    FailureBudgets budgets;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("budgets.db").toString());
        budgets = new FailureBudgets(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    FailureBudgets.Admitted admitted(String user, FailureBudgets.Origin origin, String address) {
        var reservation = budgets.reserve(user, origin, address);
        return assertInstanceOf(FailureBudgets.Admitted.class, reservation, "expected to go ahead");
    }

    /** The wait this attempt is refused with, or zero when it was admitted (and then settled as given). */
    Duration attempt(String user, FailureBudgets.Origin origin, String address, FailureBudgets.Outcome outcome) {
        var reservation = budgets.reserve(user, origin, address);
        if (reservation instanceof FailureBudgets.Refused refused) return refused.retryAfter();
        budgets.settle((FailureBudgets.Admitted) reservation, outcome);
        return Duration.ZERO;
    }

    Duration fail(String user, String address) {
        return attempt(user, ELSEWHERE, address, FailureBudgets.Outcome.FAILED);
    }

    /** Fails once, waiting out any refusal first; returns the wait the next attempt meets. */
    Duration failAfterWaiting(String user, String address) {
        for (Duration wait = fail(user, address); !wait.isZero(); wait = fail(user, address)) clock.advance(wait);
        var next = budgets.reserve(user, ELSEWHERE, address);
        if (next instanceof FailureBudgets.Admitted a) {
            budgets.settle(a, FailureBudgets.Outcome.ABANDONED);
            return Duration.ZERO;
        }
        return ((FailureBudgets.Refused) next).retryAfter();
    }

    @Test
    void fiveFailuresAreFreeThenTheWaitDoublesFromOneSecondToAMinute() {
        var waits = new ArrayList<Long>();
        for (int i = 0; i < 12; i++) waits.add(failAfterWaiting("alice", "192.0.2." + i).toSeconds());
        assertEquals(List.of(0L, 0L, 0L, 0L, 1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L), waits);
    }

    @Test
    void theWaitIsCountedFromTheLastFailureAndRoundedUpToWholeSeconds() {
        for (int i = 0; i < 5; i++) fail("alice", ADDR);
        clock.advance(Duration.ofMillis(300));
        assertEquals(Duration.ofSeconds(1), fail("alice", ADDR), "0.7 s left shows as 1 s");
        clock.advance(Duration.ofMillis(700));
        assertEquals(Duration.ZERO, fail("alice", ADDR));
        assertEquals(Duration.ofSeconds(2), fail("alice", ADDR));
    }

    @Test
    void anAccountIsForgottenAfterFifteenQuietMinutesAndItsCounterDeleted() {
        for (int i = 0; i < 5; i++) fail("alice", "192.0.2." + i);
        clock.advance(Duration.ofMinutes(15).plusMillis(1));
        assertEquals(Duration.ZERO, fail("alice", "192.0.2.9"), "forgotten: the failures are free again");

        store.close();
        store = Store.open(dir.resolve("budgets.db").toString());
        budgets = new FailureBudgets(store, clock);
        clock.advance(Duration.ofHours(25));
        budgets.deleteForgotten();
        assertEquals(0, store.countCounters());
    }

    @Test
    void theBoundMachineHasItsOwnBudgetSoAStrangerCannotLockTheOwnerOut() {
        for (int i = 0; i < 5; i++) attempt("alice", ELSEWHERE, "198.51.100." + i, FailureBudgets.Outcome.FAILED);
        assertTrue(fail("alice", "198.51.100.9").toSeconds() >= 1, "the stranger waits");
        assertInstanceOf(FailureBudgets.Admitted.class, budgets.reserve("alice", BOUND_MACHINE, ADDR), "alice on her machine goes ahead");
    }

    @Test
    void aVerifiedPasswordClearsTheAccountKeyItCountedAgainst() {
        for (int i = 0; i < 4; i++) fail("alice", ADDR);
        assertEquals(Duration.ZERO, attempt("alice", ELSEWHERE, ADDR, FailureBudgets.Outcome.VERIFIED));
        for (int i = 0; i < 5; i++) assertEquals(Duration.ZERO, fail("alice", ADDR), "five free failures again");
    }

    @Test
    void elsewhereStopsAtOneHundredFailuresInADayUntilTheWindowOrAnUnlock() {
        for (int i = 0; i < 99; i++) {
            failAfterWaiting("mallory-target", "203.0.113." + (i % 200));
            clock.advance(Duration.ofMinutes(1));
        }
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Duration.ZERO, fail("mallory-target", "203.0.113.250"), "the 100th failure");
        clock.advance(Duration.ofMinutes(2));
        Duration wait = fail("mallory-target", "203.0.113.251");
        assertTrue(wait.compareTo(Duration.ofHours(20)) > 0, "stopped for the rest of the day, not a minute: " + wait);

        assertEquals(1, budgets.unlock("mallory-target"));
        assertEquals(Duration.ZERO, fail("mallory-target", "203.0.113.252"), "unlock clears it");
    }

    @Test
    void theDayWindowEndsAfterTwentyFourHours() {
        for (int i = 0; i < 100; i++) {
            failAfterWaiting("bob", "203.0.113." + (i % 200));
            clock.advance(Duration.ofMinutes(1));
        }
        assertTrue(fail("bob", ADDR).toHours() >= 20);
        clock.advance(Duration.ofHours(24));
        assertEquals(Duration.ZERO, fail("bob", ADDR));
    }

    @Test
    void atMostFiveAttemptsOnOneAccountAreInFlightAndAVerifiedOneGivesItsSlotBack() {
        var held = new ArrayList<FailureBudgets.Admitted>();
        for (int i = 0; i < 5; i++) held.add(admitted("alice", ELSEWHERE, "192.0.2." + i));
        var sixth = budgets.reserve("alice", ELSEWHERE, "192.0.2.50");
        assertEquals(new FailureBudgets.Refused(Duration.ofSeconds(1), "account"), sixth, "no failure on record, but the budget is in flight");

        budgets.settle(held.removeFirst(), FailureBudgets.Outcome.VERIFIED);
        var freed = admitted("alice", ELSEWHERE, "192.0.2.51");
        budgets.settle(freed, FailureBudgets.Outcome.FAILED);
        for (var reservation : held) budgets.settle(reservation, FailureBudgets.Outcome.FAILED);
        assertEquals(Duration.ofSeconds(1), fail("alice", "192.0.2.52"), "five failures on record now");
    }

    @Test
    void anAddressHasTwentyFreeFailuresThenWaitsUpToFifteenMinutes() {
        var waits = new ArrayList<Long>();
        for (int i = 0; i < 32; i++) waits.add(failAfterWaiting("user" + i, ADDR).toSeconds());
        assertEquals(0L, waits.get(18));
        assertEquals(1L, waits.get(19), "after the 20th failure");
        assertEquals(List.of(2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 900L, 900L), waits.subList(20, 31));
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        var address = ClientAddress.direct();
        String a = address.of("2001:db8:1:2::1", List.of());
        String b = address.of("2001:db8:1:2:ffff:eeee:dddd:cccc", List.of());
        assertEquals(a, b);
        for (int i = 0; i < 20; i++) fail("user" + i, a);
        assertTrue(fail("other", b).toSeconds() >= 1);
    }

    @Test
    void aReservationOfAnInstanceThatDiedIsGivenBackAfterAMinute() {
        for (int i = 0; i < 5; i++) admitted("alice", BOUND_MACHINE, "192.0.2." + i);  // never settled
        assertEquals(new FailureBudgets.Refused(Duration.ofSeconds(1), "account"), budgets.reserve("alice", BOUND_MACHINE, ADDR));
        clock.advance(FailureBudgets.STALE_RESERVATION.plusMillis(1));
        admitted("alice", BOUND_MACHINE, ADDR);
    }

    @Test
    void aFloodOfUsernamesLeavesNoCountersOnceForgotten() {
        for (int i = 0; i < 300; i++) fail("flood" + i, "10.0." + (i / 250) + "." + (i % 250));
        assertEquals(600, store.countCounters(), "an account and an address counter each");
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertEquals(600, budgets.deleteForgotten());
        assertEquals(0, store.countCounters());
    }

    @Test
    void settledAttemptsThatLeaveNothingOnRecordLeaveNoRow() {
        assertEquals(Duration.ZERO, attempt("alice", BOUND_MACHINE, ADDR, FailureBudgets.Outcome.VERIFIED));
        assertEquals(Duration.ZERO, attempt("bob", ELSEWHERE, ADDR, FailureBudgets.Outcome.ABANDONED));
        assertEquals(0, store.countCounters());
    }

    @Test
    void sweepsRunAsAttemptsArriveAtMostOnceAMinute() {
        fail("old", ADDR);
        clock.advance(Duration.ofHours(25));
        fail("new", "192.0.2.200");  // the first reservation of this instance sweeps
        assertEquals(2, store.countCounters(), "only the new attempt's two counters are left");
    }

    /**
     * A wrong guess whose outcome cannot be written (the store went away between its slot and
     * its verdict) still counts: its failure was written when it took its slot.
     */
    @Test
    void aFailureWhoseSettleFailsIsCountedAllTheSame() {
        String file = dir.resolve("hiccup.db").toString();
        for (int i = 0; i < 5; i++) {
            var during = Store.open(file);
            var admitted = (FailureBudgets.Admitted) new FailureBudgets(during, clock).reserve("alice", ELSEWHERE, "192.0.2." + i);
            during.close();  // the store fails from here on
            new FailureBudgets(during, clock).settle(admitted, FailureBudgets.Outcome.FAILED);  // cannot write: logged, not thrown
        }
        clock.advance(FailureBudgets.STALE_RESERVATION.plusSeconds(1));  // the unsettled slots are given back by time
        try (var after = Store.open(file)) {
            var later = new FailureBudgets(after, clock);
            var sixth = later.reserve("alice", ELSEWHERE, "192.0.2.99");
            assertInstanceOf(FailureBudgets.Admitted.class, sixth, "the backoff of five failures is over by now");
            later.settle((FailureBudgets.Admitted) sixth, FailureBudgets.Outcome.FAILED);
            assertEquals(new FailureBudgets.Refused(Duration.ofSeconds(2), "account"), later.reserve("alice", ELSEWHERE, "192.0.2.98"),
                    "six failures on record: the five unsettled ones counted");
        }
    }

    @Test
    void anAbandonedAttemptIsRefundedAndAVerifiedOneLeavesOthersInFlightCounted() {
        var first = admitted("alice", ELSEWHERE, ADDR);
        var second = admitted("alice", ELSEWHERE, ADDR);
        budgets.settle(first, FailureBudgets.Outcome.VERIFIED);
        budgets.settle(second, FailureBudgets.Outcome.FAILED);
        for (int i = 0; i < 4; i++) assertEquals(Duration.ZERO, fail("alice", ADDR));
        assertEquals(Duration.ofSeconds(1), fail("alice", ADDR), "the other attempt's failure survived the clearing: 5 on record");
        assertEquals(Duration.ZERO, attempt("bob", ELSEWHERE, ADDR, FailureBudgets.Outcome.ABANDONED));
        for (int i = 0; i < 4; i++) assertEquals(Duration.ZERO, fail("bob", "192.0.2.7"), "the abandoned attempt was refunded");
    }

    /**
     * A settle takes the short way (one delete) only where the long way (lock, work out, write)
     * would leave nothing: over counters of every shape, on every kind of key, the row left is
     * the one the rules give.
     */
    @Test
    void aSettleLeavesWhatTheRulesGiveWhateverTheCounterHeld() {
        var random = new java.util.Random(28);
        long now = clock.millis();
        long stale = FailureBudgets.STALE_RESERVATION.toMillis();
        var kinds = List.of(ELSEWHERE, BOUND_MACHINE, FailureBudgets.Origin.BOUND_DEVICE);
        for (int round = 0; round < 300; round++) {
            var origin = kinds.get(random.nextInt(kinds.size()));
            var reservation = new FailureBudgets.Admitted(FailureBudgets.accountKey("u" + round, origin),
                    origin == FailureBudgets.Origin.BOUND_DEVICE ? null : FailureBudgets.addressKey("192.0.2." + round % 250));
            var outcome = FailureBudgets.Outcome.values()[random.nextInt(3)];
            var stored = new ArrayList<Store.Counter>();
            for (String key : reservation.keys()) {
                boolean windowed = FailureBudgets.policyOf(key).windowCap() > 0;
                int inFlight = random.nextInt(3);
                int failures = inFlight + random.nextInt(3);
                long inFlightAt = inFlight == 0 ? 0 : now - List.of(0L, stale, stale + 1, 1_000L).get(random.nextInt(4));
                int windowFailures = windowed ? Math.min(failures, random.nextInt(3)) : 0;
                stored.add(new Store.Counter(key, failures, failures > inFlight ? now - 5_000 : 0, inFlight, inFlightAt,
                        windowFailures > 0 ? now - 60_000 : 0, windowFailures, now + 900_000));
            }
            store.inTransaction(tx -> {
                for (String key : new java.util.TreeSet<>(reservation.keys())) tx.lockCounter(key);
                tx.writeCounters(stored);
                return null;
            });

            store.inTransaction(tx -> {
                budgets.settle(tx, reservation, outcome);
                return null;
            });

            var expected = stored.stream().map(c -> FailureBudgets.withForgetAt(FailureBudgets.settled(FailureBudgets.current(c, now),
                    FailureBudgets.policyOf(c.key()), outcome, c.key().equals(reservation.accountKey()), now), now)).toList();
            String what = "round " + round + ": " + stored + " settled as " + outcome;
            assertEquals(expected.stream().filter(c -> !c.isEmpty()).count(), store.countCounters(), what);
            for (var c : expected) {
                assertEquals(c.isEmpty() ? Store.Counter.empty(c.key()) : c, store.inTransaction(tx -> tx.lockCounter(c.key())), what);
            }
            store.deleteCounters(reservation.keys());
        }
    }

    /** The first attempt on a key makes its counter reserved; refused on another key, it leaves no counter behind. */
    @Test
    void aRefusalLeavesNoCounterForTheKeyItFoundFree() {
        for (int i = 0; i < 20; i++) fail("user" + i, ADDR);  // the address's free failures, each on another account
        var refused = assertInstanceOf(FailureBudgets.Refused.class, budgets.reserve("newcomer", ELSEWHERE, ADDR));
        assertEquals("address", refused.keyKind());
        store.deleteCounters(List.of(FailureBudgets.addressKey(ADDR)));
        assertEquals(20, store.countCounters(), "the twenty accounts' counters, and none for the newcomer");
    }
}
