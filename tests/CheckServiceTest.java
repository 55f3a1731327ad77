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
        return new CheckService(store, TestServer.HASHER, new FailureBudgets(store), new HashingGate(1, 4), afterVerify, beforeRound);
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
}
