import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision of GET /check against a real store, with hooks between verifying the
 * password and writing, so that what happens "meanwhile" is driven, not left to timing.
 */
class CheckServiceTest {

    static final String PASSWORD = "service-Pa55word";
    static final String M1 = "1a".repeat(32);
    static final String M2 = "2b".repeat(32);
    static final String ADDR = "192.0.2.10";

    @TempDir Path dir;
    Store store;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("service.db").toString());
        store.addUser("alice", TestServer.HASHER.hash(PASSWORD));
    }

    @AfterEach
    void close() {
        store.close();
    }

    CheckService service(Consumer<String> afterVerify, IntConsumer beforeRound) {
        return new CheckService(store, TestServer.HASHER, new FailureBudgets(store), new HashingGate(1, 4), java.time.Clock.systemUTC(),
                RULES, afterVerify, beforeRound);
    }

    /** The server's public origin in these tests, which every proof here is signed for. */
    static final String ORIGIN = "https://auth.example.test";
    static final CheckRules RULES = CheckRules.DEFAULT.withPublicOrigins(List.of(ORIGIN));

    final TestClock clock = new TestClock(java.time.Instant.parse("2026-12-01T12:00:00Z"));

    /** The production decision on the test clock, with these rules. */
    CheckService service(CheckRules rules) {
        return new CheckService(store, TestServer.HASHER, new FailureBudgets(store, clock), new HashingGate(1, 4), clock, rules);
    }

    static final java.security.KeyPair KEY = DeviceKeys.generate();
    static final java.security.KeyPair OTHER_KEY = DeviceKeys.generate();
    static final String KEY_TEXT = DeviceKeys.base64url(DeviceKeys.point(KEY.getPublic()));

    /** A version-2 header signed by this key at the test clock's time. */
    List<String> signed(String user, String password, String machine, java.security.KeyPair key) {
        return List.of(DeviceProof.signedHeader(HeaderCodec.encode(user, password, machine), ORIGIN, key, clock.instant()));
    }

    static List<String> header(String user, String password, String machine) {
        return List.of(HeaderCodec.encode(user, password, machine));
    }

    static String code(CheckResult result) {
        return switch (result) {
            case CheckResult.Ok ok -> "OK " + ok.binding();
            case CheckResult.Refused r -> r.reason().name();
        };
    }

    @Test
    void aPasswordChangedBetweenVerifyAndBindGives401AndWritesNothing() {
        var service = service(user -> store.setPassword(user, TestServer.HASHER.hash("changed-Pa55word")), round -> {});
        assertEquals("INVALID_CREDENTIALS", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        var alice = store.findUser("alice").orElseThrow();
        assertFalse(alice.isBound(), "no binding");
        assertTrue(store.findMachineOwner(M1).isEmpty());
    }

    @Test
    void aPasswordChangedBetweenVerifyAndTheRecordOfACheckGives401AndWritesNothing() {
        assertEquals("OK NEW", code(service(u -> {}, r -> {}).check(header("alice", PASSWORD, M1), ADDR)));
        var before = store.findUser("alice").orElseThrow().lastCheckAt();
        var service = service(user -> store.setPassword(user, TestServer.HASHER.hash("changed-Pa55word")), round -> {});
        assertEquals("INVALID_CREDENTIALS", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertEquals(before, store.findUser("alice").orElseThrow().lastCheckAt(), "the check was not recorded");
    }

    @Test
    void aUserDeletedAndAddedAgainMeanwhileGives401() {
        var service = service(user -> {
            store.deleteUser(user);
            store.addUser(user, TestServer.HASHER.hash(PASSWORD));  // the same password, a new hash
        }, round -> {});
        assertEquals("INVALID_CREDENTIALS", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertFalse(store.findUser("alice").orElseThrow().isBound());
    }

    @Test
    void aRehashByAConcurrentLoginMeanwhileLeavesThisLoginOk() {
        // alice's stored hash has weaker parameters: her first successful login replaces it. That
        // login runs between this one's verify and its write: the password is the same, so is the answer.
        var weak = new PasswordHasher(8, 1, 1);
        store.setPassword("alice", weak.hash(PASSWORD));
        var concurrentLogin = service(u -> {}, r -> {});
        var service = service(user -> assertEquals("OK NEW", code(concurrentLogin.check(header("alice", PASSWORD, M1), "192.0.2.99"))),
                round -> {});
        assertEquals("OK EXISTING", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertFalse(TestServer.HASHER.needsRehash(store.findUser("alice").orElseThrow().passwordHash()), "the concurrent login rehashed it");
    }

    @Test
    void anotherUserTakingTheMachineMeanwhileGivesTheLoserTheWinnersAnswer() {
        store.addUser("bob", TestServer.HASHER.hash(PASSWORD));
        var service = service(user -> StoreFixtures.bind(store, "bob", M1), round -> {});
        assertEquals("MACHINE_BOUND_TO_OTHER_USER", code(service.check(header("alice", PASSWORD, M1), ADDR)));
    }

    @Test
    void theSameUserBindingAnotherMachineMeanwhileGivesUserBoundToOtherMachine() {
        var service = service(user -> StoreFixtures.bind(store, "alice", M2), round -> {});
        assertEquals("USER_BOUND_TO_OTHER_MACHINE", code(service.check(header("alice", PASSWORD, M1), ADDR)));
    }

    @Test
    void anAdminUnbindMeanwhileIsSeenOnTheNextRoundAndBindsAnew() {
        assertEquals("OK NEW", code(service(u -> {}, r -> {}).check(header("alice", PASSWORD, M1), ADDR)));
        var rounds = new ArrayList<Integer>();
        var service = service(user -> store.unbind(user), rounds::add);
        assertEquals("OK NEW", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertEquals(List.of(1), rounds, "one more round after the record of the check found no binding");
    }

    @Test
    void aBindingThatKeepsChangingGivesUpWith503() {
        // Every round reads one state and meets another: bound by "another request" of alice
        // after round 0's read, unbound again after round 1's, bound again after round 2's.
        var rounds = new ArrayList<Integer>();
        var service = service(user -> StoreFixtures.bind(store, "alice", M1), round -> {
            rounds.add(round);
            if (round == 1) store.unbind("alice");
            if (round == 2) StoreFixtures.bind(store, "alice", M1);
        });
        var result = service.check(header("alice", PASSWORD, M1), ADDR);
        assertEquals("SERVICE_UNAVAILABLE", code(result));
        assertEquals("The binding kept changing; retry.", ((CheckResult.Refused) result).detail());
        assertEquals(List.of(1, 2), rounds);
    }

    // Device proofs (contract section 8), on the test clock.

    @Test
    void aFirstSignedLoginBindsTheMachineAndTheKeyAndTheSameKeyGetsIn() {
        var service = service(RULES);
        assertEquals("OK NEW", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
        var alice = store.findUser("alice").orElseThrow();
        assertEquals(M1, alice.machineId());
        assertEquals(KEY_TEXT, alice.deviceKey());
        assertEquals(clock.instant(), alice.boundAt(), "times from the decision's clock");
        assertEquals("OK EXISTING", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
    }

    @Test
    void anotherKeyOnTheBoundMachineIs403AndAnUnsignedHeaderIsADowngradeRefused() {
        var service = service(RULES);
        service.check(signed("alice", PASSWORD, M1, KEY), ADDR);
        assertEquals("DEVICE_KEY_MISMATCH", code(service.check(signed("alice", PASSWORD, M1, OTHER_KEY), ADDR)));
        var downgrade = service.check(header("alice", PASSWORD, M1), ADDR);
        assertEquals("PROOF_REQUIRED", code(downgrade));
        assertEquals("This account's binding has a device key: the header must be signed by it (version 2).",
                ((CheckResult.Refused) downgrade).detail());
        assertEquals("INVALID_CREDENTIALS", code(service.check(header("alice", "wrong-Pa55word", M1), ADDR)),
                "without the password nobody learns that a key is bound");
        assertEquals(KEY_TEXT, store.findUser("alice").orElseThrow().deviceKey(), "the binding keeps its key");
    }

    @Test
    void aBindingMadeWithoutAKeyTakesTheKeyOfItsFirstProofOnce() {
        var service = service(RULES);
        assertEquals("OK NEW", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertNull(store.findUser("alice").orElseThrow().deviceKey());
        assertEquals("OK EXISTING", code(service.check(header("alice", PASSWORD, M1), ADDR)), "version 1 still works for it");
        assertEquals("OK EXISTING", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
        assertEquals(KEY_TEXT, store.findUser("alice").orElseThrow().deviceKey());
        assertEquals("DEVICE_KEY_MISMATCH", code(service.check(signed("alice", PASSWORD, M1, OTHER_KEY), ADDR)), "once");
        assertEquals("PROOF_REQUIRED", code(service.check(header("alice", PASSWORD, M1), ADDR)));
    }

    @Test
    void aSecondKeyRacingForTheUpgradeLosesToTheFirst() {
        assertEquals("OK NEW", code(service(RULES).check(header("alice", PASSWORD, M1), ADDR)));
        // Between this request's verify and its write, another request of alice's records its key.
        var service = new CheckService(store, TestServer.HASHER, new FailureBudgets(store, clock), new HashingGate(1, 4), clock,
                RULES, user -> assertTrue(store.addDeviceKey(user, M1, KEY_TEXT,
                        store.findUser(user).orElseThrow().passwordStamp(), clock.instant())), round -> {});
        assertEquals("DEVICE_KEY_MISMATCH", code(service.check(signed("alice", PASSWORD, M1, OTHER_KEY), ADDR)));
        assertEquals(KEY_TEXT, store.findUser("alice").orElseThrow().deviceKey());
    }

    @Test
    void unbindClearsTheKeyWithTheMachineAndPasswdKeepsBoth() {
        var service = service(RULES);
        service.check(signed("alice", PASSWORD, M1, KEY), ADDR);
        store.setPassword("alice", TestServer.HASHER.hash("new-Pa55word"));
        assertEquals(KEY_TEXT, store.findUser("alice").orElseThrow().deviceKey());
        assertTrue(store.unbind("alice"));
        assertNull(store.findUser("alice").orElseThrow().deviceKey());
        assertEquals("OK NEW", code(service.check(signed("alice", "new-Pa55word", M2, OTHER_KEY), ADDR)));
    }

    @Test
    void aProofOutsideTheMinuteIsInvalidAndSaysHowFarTheClockIsOffWithoutTouchingTheStore() {
        var service = service(RULES);
        var stale = signed("alice", PASSWORD, M1, KEY);
        clock.advance(java.time.Duration.ofHours(1));
        var early = signed("alice", PASSWORD, M1, KEY);
        clock.advance(java.time.Duration.ofSeconds(-61));
        store.close();  // any store access now fails: these answers must not need one
        var result = (CheckResult.Refused) service.check(stale, ADDR);
        assertEquals(CheckResult.Refusal.INVALID_PROOF, result.reason());
        assertEquals("the proof's time is 3539 s behind the server's clock (at most 60 s either way); set this computer's clock", result.detail());
        result = (CheckResult.Refused) service.check(early, ADDR);
        assertEquals("the proof's time is 61 s ahead of the server's clock (at most 60 s either way); set this computer's clock", result.detail());
        assertEquals(401, result.reason().status);
    }

    @Test
    void aForgedSignatureIsInvalidWithoutTouchingTheStore() {
        var service = service(RULES);
        String[] parts = signed("alice", PASSWORD, M1, KEY).getFirst().split("\\.");
        String[] other = signed("alice", PASSWORD, M1, OTHER_KEY).getFirst().split("\\.");
        store.close();
        var result = (CheckResult.Refused) service.check(List.of(String.join(".", parts[0], parts[1], parts[2], parts[3], other[4])), ADDR);
        assertEquals(CheckResult.Refusal.INVALID_PROOF, result.reason());
        assertEquals("the proof's signature does not verify under its key for " + ORIGIN, result.detail());
    }

    @Test
    void withRequireProofAnUnsignedHeaderIsRefusedForEveryUserWithoutTouchingTheStore() {
        var service = service(RULES.withRequireProof(true));
        assertEquals("OK NEW", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
        store.close();
        assertEquals("PROOF_REQUIRED", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertEquals("PROOF_REQUIRED", code(service.check(header("nobody", PASSWORD, M1), ADDR)), "known or not, the same");
    }

    @Test
    void aHeaderUsedOnceIsReplayedAfterwardsWithoutHashingOrCounting() {
        var service = service(RULES);
        var header = signed("alice", "wrong-Pa55word", M1, KEY);
        assertEquals("INVALID_CREDENTIALS", code(service.check(header, ADDR)));
        long counters = store.countCounters();
        for (int i = 0; i < 10; i++) assertEquals("PROOF_REPLAYED", code(service.check(header, ADDR)));
        assertEquals(counters, store.countCounters());
        assertEquals("OK NEW", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)),
                "ten replays of a wrong guess count as nothing: no wait");
        clock.advance(java.time.Duration.ofSeconds(61));
        assertEquals("INVALID_PROOF", code(service.check(header, ADDR)), "and after a minute the proof is stale anyway");
    }

    @Test
    void nonceRecordsAreDeletedOnceTheirProofsTimeIsThreeMinutesPast() {
        var nonces = new ProofNonces(store);
        long proofTime = clock.instant().getEpochSecond();
        assertTrue(nonces.firstUse(KEY_TEXT, "n1", proofTime, clock.millis()));
        assertFalse(nonces.firstUse(KEY_TEXT, "n1", proofTime, clock.millis()));
        assertTrue(nonces.firstUse("another key", "n1", proofTime, clock.millis()), "keyed by key and nonce");
        clock.advance(ProofNonces.KEPT);
        assertEquals(0, store.deleteNoncesBefore(clock.millis() - ProofNonces.KEPT.toMillis()), "kept to the end");
        clock.advance(java.time.Duration.ofSeconds(1));
        assertTrue(nonces.firstUse(KEY_TEXT, "n2", clock.instant().getEpochSecond(), clock.millis()), "this use sweeps the old ones");
        assertEquals(0, store.deleteNoncesBefore(clock.millis() - ProofNonces.KEPT.toMillis()), "n1 of both keys were swept");
    }

    /** A proof made by a clock 59 s ahead: good from now until now + 119 s, so its record must outlive that. */
    @Test
    void aProofIsNeverAcceptedTwiceUpToItsWindowsEdge() {
        var service = service(RULES);
        var aheadProof = List.of(DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1), ORIGIN, KEY,
                clock.instant().plusSeconds(59)));
        assertEquals("OK NEW", code(service.check(aheadProof, ADDR)));
        clock.advance(java.time.Duration.ofSeconds(119));
        assertEquals("PROOF_REPLAYED", code(service.check(aheadProof, ADDR)), "at its window's last millisecond: remembered");
        clock.advance(java.time.Duration.ofMillis(1_900));
        assertEquals("INVALID_PROOF", code(service.check(aheadProof, ADDR)), "at now + 120.9 s, past its window to the millisecond");
    }

    /** Two instances on one store, one clock a minute ahead of the other: the fast one's sweep keeps what the slow one would accept. */
    @Test
    void aSweepByAnInstanceWhoseClockIsAMinuteAheadForgetsNoUsableProof() {
        var slow = service(RULES);
        var fastClock = new TestClock(clock.instant().plusSeconds(60));
        var fast = new CheckService(store, TestServer.HASHER, new FailureBudgets(store, fastClock), new HashingGate(1, 4), fastClock, RULES);
        var aheadProof = List.of(DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1), ORIGIN, KEY,
                clock.instant().plusSeconds(59)));
        assertEquals("OK NEW", code(slow.check(aheadProof, ADDR)));
        clock.advance(java.time.Duration.ofSeconds(119));
        fastClock.advance(java.time.Duration.ofSeconds(119));
        // The fast instance's first proof sweeps, on its own clock (now + 179 s).
        var fresh = List.of(DeviceProof.signedHeader(HeaderCodec.encode("alice", PASSWORD, M1), ORIGIN, KEY, fastClock.instant()));
        assertEquals("OK EXISTING", code(fast.check(fresh, ADDR)));
        assertEquals("PROOF_REPLAYED", code(slow.check(aheadProof, ADDR)), "the slow instance still refuses the replay");
    }

    /**
     * The store work of a decision (contract section 3): before the hash one transaction (the
     * nonce, the user, the reservation), after it one (the settling and the record of the check).
     */
    @Test
    void aSignedLoginFromTheBoundDeviceTakesTwoTransactionsAndAReplayOne() {
        var service = service(RULES);
        assertEquals("OK NEW", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));  // and the sweeps that are due
        long before = store.connectionsTaken();
        assertEquals("OK EXISTING", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
        assertEquals(2, store.connectionsTaken() - before, "a login from the bound device");

        var captured = signed("alice", PASSWORD, M1, KEY);
        service.check(captured, ADDR);
        before = store.connectionsTaken();
        assertEquals("PROOF_REPLAYED", code(service.check(captured, ADDR)));
        assertEquals(1, store.connectionsTaken() - before, "a replay: the nonce's transaction, nothing else");

        before = store.connectionsTaken();
        assertEquals("INVALID_CREDENTIALS", code(service.check(signed("alice", "wrong-Pa55word", M1, KEY), ADDR)));
        assertEquals(2, store.connectionsTaken() - before, "a wrong password: reserve, then settle");
    }

    @Test
    void replaysTakeNoSlotOfAnyBudgetKey() {
        var service = service(RULES);
        assertEquals("OK NEW", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
        var captured = signed("alice", PASSWORD, M1, KEY);
        assertEquals("OK EXISTING", code(service.check(captured, ADDR)));
        long counters = store.countCounters();
        for (int i = 0; i < 50; i++) assertEquals("PROOF_REPLAYED", code(service.check(captured, "198.51.100." + i)));
        assertEquals(counters, store.countCounters(), "no counter made or kept by a replay");
        assertEquals("OK EXISTING", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
    }

    @Test
    void aKeyPinnedToABindingMadeWithoutOneIsLoggedAndRecorded() {
        var service = service(RULES);
        assertEquals("OK NEW", code(service.check(header("alice", PASSWORD, M1), ADDR)));
        assertNull(store.findUser("alice").orElseThrow().keyAddedAt());
        var result = assertInstanceOf(CheckResult.Ok.class, service.check(signed("alice", PASSWORD, M1, KEY), ADDR));
        assertEquals(KEY_TEXT, result.addedKey());
        assertEquals(clock.instant(), store.findUser("alice").orElseThrow().keyAddedAt());
        var again = assertInstanceOf(CheckResult.Ok.class, service.check(signed("alice", PASSWORD, M1, KEY), ADDR));
        assertNull(again.addedKey(), "pinned once");
        store.unbind("alice");
        assertNull(store.findUser("alice").orElseThrow().keyAddedAt(), "unbind clears it with the key");
    }

    @Test
    void onlyAProofByTheBoundKeyCountsAsTheBoundMachine() {
        var service = service(RULES);
        service.check(signed("alice", PASSWORD, M1, KEY), ADDR);
        var alice = store.findUser("alice");
        assertEquals(FailureBudgets.Origin.BOUND_DEVICE, CheckService.origin(alice, M1, proof(signed("alice", PASSWORD, M1, KEY))));
        assertEquals(FailureBudgets.Origin.ELSEWHERE, CheckService.origin(alice, M1, null), "the bound machine ID alone");
        assertEquals(FailureBudgets.Origin.ELSEWHERE, CheckService.origin(alice, M1, proof(signed("alice", PASSWORD, M1, OTHER_KEY))));
        assertEquals(FailureBudgets.Origin.ELSEWHERE, CheckService.origin(alice, M2, proof(signed("alice", PASSWORD, M2, KEY))));
        store.addUser("bob", TestServer.HASHER.hash(PASSWORD));
        StoreFixtures.bind(store, "bob", M2);
        assertEquals(FailureBudgets.Origin.BOUND_MACHINE, CheckService.origin(store.findUser("bob"), M2, null), "a binding without a key");
    }

    static DeviceProof proof(List<String> header) {
        return ((HeaderCodec.Signed) HeaderCodec.decode(header.getFirst())).proof();
    }

    @Test
    void aStrangerWithTheBoundMachineIdCannotLockOutTheDeviceNorCountAgainstItsAddress() {
        var service = service(RULES);
        service.check(signed("alice", PASSWORD, M1, KEY), ADDR);
        // A stranger who knows M1 guesses with version-1 headers from alice's own NAT address until
        // alice's account waits, then at other accounts until the address waits.
        for (int i = 0; i < 5; i++) assertEquals("INVALID_CREDENTIALS", code(service.check(header("alice", "guess-" + i + "-Pa55", M1), ADDR)));
        assertEquals("TOO_MANY_ATTEMPTS", code(service.check(header("alice", "guess-x-Pa55", M1), ADDR)), "the stranger waits");
        for (int i = 0; i < 15; i++) assertEquals("INVALID_CREDENTIALS", code(service.check(header("user" + i, "guess-Pa55", M2), ADDR)));
        assertEquals("TOO_MANY_ATTEMPTS", code(service.check(header("bob", "guess-x-Pa55", M2), ADDR)), "so does the address");
        assertEquals("OK EXISTING", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)), "alice's device does not");
    }

    @Test
    void theBoundDeviceItselfStopsAt100FailuresADay() {
        // Hashes at a token cost: this test is about counting, and makes over a hundred of them.
        var cheap = new PasswordHasher(8, 1, 1);
        store.addUser("dave", cheap.hash(PASSWORD));
        var service = new CheckService(store, cheap, new FailureBudgets(store, clock), new HashingGate(1, 4), clock, RULES);
        assertEquals("OK NEW", code(service.check(signed("dave", PASSWORD, M1, KEY), ADDR)));
        int failures = 0;
        for (int i = 0; i < 400 && failures < 100; i++) {
            var result = service.check(signed("dave", "guess-" + i + "-Pa55", M1, KEY), ADDR);
            if (result instanceof CheckResult.Refused r && r.reason() == CheckResult.Refusal.INVALID_CREDENTIALS) failures++;
            else clock.advance(((CheckResult.Refused) result).retryAfter());
        }
        assertEquals(100, failures);
        clock.advance(java.time.Duration.ofMinutes(2));
        var stopped = (CheckResult.Refused) service.check(signed("dave", PASSWORD, M1, KEY), ADDR);
        assertEquals(CheckResult.Refusal.TOO_MANY_ATTEMPTS, stopped.reason());
        assertTrue(stopped.retryAfter().toHours() >= 20, "until the day is over: " + stopped.retryAfter());
    }

    // Idle bindings released (contract section 9), on the test clock.

    static final CheckRules RELEASE_AFTER_90_DAYS = RULES.withReleaseAfter(java.time.Duration.ofDays(90));

    /** alice bound to M1, with her last successful check this long before the clock's now. */
    void lastUsed(java.time.Duration ago) {
        var service = service(RELEASE_AFTER_90_DAYS);
        clock.advance(ago.negated());
        assertEquals("OK NEW", code(service.check(signed("alice", PASSWORD, M1, KEY), ADDR)));
        clock.advance(ago);
    }

    @Test
    void aBindingIdleForMoreThanTheDaysMovesToTheNextVerifiedMachineWithItsKey() {
        lastUsed(java.time.Duration.ofDays(90).plusSeconds(1));
        var result = service(RELEASE_AFTER_90_DAYS).check(signed("alice", PASSWORD, M2, OTHER_KEY), ADDR);
        assertEquals(new CheckResult.Ok("alice", CheckResult.Binding.MOVED, M1, null), result);
        var alice = store.findUser("alice").orElseThrow();
        assertEquals(M2, alice.machineId());
        assertEquals(DeviceKeys.base64url(DeviceKeys.point(OTHER_KEY.getPublic())), alice.deviceKey(), "the new machine's key");
        assertEquals(clock.instant(), alice.boundAt());
        assertTrue(store.findMachineOwner(M1).isEmpty(), "the released machine is free");
        store.addUser("bob", TestServer.HASHER.hash(PASSWORD));
        assertEquals("OK NEW", code(service(RELEASE_AFTER_90_DAYS).check(signed("bob", PASSWORD, M1, KEY), ADDR)), "for anyone");
        assertEquals("USER_BOUND_TO_OTHER_MACHINE", code(service(RELEASE_AFTER_90_DAYS).check(signed("alice", PASSWORD, M1, KEY), ADDR)),
                "a fresh binding does not move back");
    }

    @Test
    void aBindingUsedWithinTheDaysOrExactlyAtThemNeverMoves() {
        lastUsed(java.time.Duration.ofDays(90).minusSeconds(1));
        assertEquals("USER_BOUND_TO_OTHER_MACHINE", code(service(RELEASE_AFTER_90_DAYS).check(signed("alice", PASSWORD, M2, OTHER_KEY), ADDR)));
        clock.advance(java.time.Duration.ofSeconds(1));  // exactly 90 days: not more than
        assertEquals("USER_BOUND_TO_OTHER_MACHINE", code(service(RELEASE_AFTER_90_DAYS).check(signed("alice", PASSWORD, M2, OTHER_KEY), ADDR)));
        assertEquals(M1, store.findUser("alice").orElseThrow().machineId());
    }

    @Test
    void aBindingNeverCheckedCountsFromItsBindingTime() {
        StoreFixtures.bind(store, "alice", M1);  // bound now, by the system clock, with no check
        store.addUser("carol", TestServer.HASHER.hash(PASSWORD));
        store.bind("carol", M2, null, store.findUser("carol").orElseThrow().passwordStamp(), clock.instant().minus(java.time.Duration.ofDays(91)));
        var carol = store.findUser("carol").orElseThrow();
        assertEquals(carol.boundAt(), carol.lastUse());
        String m3 = "3c".repeat(32);
        assertEquals("OK MOVED", code(service(RELEASE_AFTER_90_DAYS).check(header("carol", PASSWORD, m3), ADDR)));
        assertNull(store.findUser("carol").orElseThrow().deviceKey(), "version 1 moves the machine ID alone");
    }

    @Test
    void aWrongPasswordOrTheSettingAtZeroMovesNothing() {
        lastUsed(java.time.Duration.ofDays(400));
        assertEquals("INVALID_CREDENTIALS", code(service(RELEASE_AFTER_90_DAYS).check(signed("alice", "wrong-Pa55word", M2, OTHER_KEY), ADDR)));
        assertEquals("USER_BOUND_TO_OTHER_MACHINE", code(service(RULES).check(signed("alice", PASSWORD, M2, OTHER_KEY), ADDR)));
        assertEquals(M1, store.findUser("alice").orElseThrow().machineId());
    }

    @Test
    void anIdleBindingDoesNotMoveOntoAMachineBoundToSomeoneElse() {
        lastUsed(java.time.Duration.ofDays(100));
        store.addUser("bob", TestServer.HASHER.hash(PASSWORD));
        StoreFixtures.bind(store, "bob", M2);
        assertEquals("MACHINE_BOUND_TO_OTHER_USER", code(service(RELEASE_AFTER_90_DAYS).check(signed("alice", PASSWORD, M2, OTHER_KEY), ADDR)));
        assertEquals(M1, store.findUser("alice").orElseThrow().machineId());
    }

    @Test
    void aCheckOfTheOldMachineMeanwhileKeepsTheBinding() {
        lastUsed(java.time.Duration.ofDays(100));
        // Between the new machine's verify and its move, the old machine checks in.
        var service = new CheckService(store, TestServer.HASHER, new FailureBudgets(store, clock), new HashingGate(1, 4), clock,
                RELEASE_AFTER_90_DAYS, user -> assertTrue(store.recordCheck(user, M1, KEY_TEXT,
                        store.findUser(user).orElseThrow().passwordStamp(), clock.instant())), round -> {});
        assertEquals("USER_BOUND_TO_OTHER_MACHINE", code(service.check(signed("alice", PASSWORD, M2, OTHER_KEY), ADDR)));
        assertEquals(M1, store.findUser("alice").orElseThrow().machineId());
    }
}
