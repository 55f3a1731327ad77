import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent first logins over real HTTP: whatever the interleaving, one machine
 * ends up with at most one user and one user with at most one machine, and every
 * loser gets the 403 that the winner's binding implies, never a 500.
 */
class BindingRaceTest {

    static final int RACERS = 8;
    /** One account takes at most five attempts in flight (contract section 3); more would meet a fair 429. */
    static final int SAME_ACCOUNT_RACERS = 5;
    static final String PASSWORD = "race-Pa55word";

    @RegisterExtension final TestServer server = TestServer.inTempDir();

    @BeforeEach
    void addRacers() {
        for (int i = 0; i < RACERS; i++) server.addUser("racer" + i, PASSWORD);
    }

    static String machine(int round, int i) {
        return String.format("%02x%02x", round, i).repeat(16);
    }

    List<HttpResponse<String>> race(List<Callable<HttpResponse<String>>> requests) throws Exception {
        try (var pool = Executors.newFixedThreadPool(requests.size())) {
            var responses = new ArrayList<HttpResponse<String>>();
            for (Future<HttpResponse<String>> f : pool.invokeAll(requests)) responses.add(f.get());
            return responses;
        }
    }

    @RepeatedTest(4)
    void manyUsersOneMachine(org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
        String machine = machine(repetition.getCurrentRepetition(), 0xff);
        var requests = new ArrayList<Callable<HttpResponse<String>>>();
        for (int i = 0; i < RACERS; i++) {
            String user = "racer" + i;
            requests.add(() -> server.check(user, PASSWORD, machine));
        }
        var responses = race(requests);

        assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(), "exactly one winner");
        for (var r : responses) {
            if (r.statusCode() != 200) assertTrue(r.body().contains("\"code\": \"MACHINE_BOUND_TO_OTHER_USER\""), r.body());
            else assertTrue(r.body().contains("\"binding\": \"new\""), r.body());
        }
        var bound = server.store.listUsers().stream().filter(Store.User::isBound).toList();
        assertEquals(1, bound.size());
        assertEquals(machine, bound.getFirst().machineId());
    }

    @RepeatedTest(4)
    void oneUserManyMachines(org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
        var requests = new ArrayList<Callable<HttpResponse<String>>>();
        for (int i = 0; i < SAME_ACCOUNT_RACERS; i++) {
            String machine = machine(repetition.getCurrentRepetition(), i);
            requests.add(() -> server.check("racer0", PASSWORD, machine));
        }
        var responses = race(requests);

        assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(), "exactly one winner");
        for (var r : responses) {
            if (r.statusCode() != 200) assertTrue(r.body().contains("\"code\": \"USER_BOUND_TO_OTHER_MACHINE\""), r.body());
        }
        assertEquals(1, server.store.listUsers().stream().filter(Store.User::isBound).count());
    }

    /** Once failed with a 403 MACHINE_BOUND_TO_OTHER_USER: the "other" user was this same user, bound a moment earlier. */
    @RepeatedTest(6)
    void sameUserSameMachineAllSucceedWithOneNewBinding() throws Exception {
        String machine = machine(0x77, 0x77);
        var requests = new ArrayList<Callable<HttpResponse<String>>>();
        for (int i = 0; i < SAME_ACCOUNT_RACERS; i++) requests.add(() -> server.check("racer1", PASSWORD, machine));
        var responses = race(requests);

        assertEquals(List.of(), responses.stream().filter(r -> r.statusCode() != 200).map(r -> r.statusCode() + " " + r.body()).toList());
        assertEquals(1, responses.stream().filter(r -> r.body().contains("\"binding\": \"new\"")).count());
    }

    /**
     * An idle binding (contract section 9) that several new machines try to take over at once:
     * exactly one gets it, the others get the 403 that its binding implies.
     */
    @RepeatedTest(3)
    void newMachinesRacingForOneIdleBindingLeaveItWithOne(org.junit.jupiter.api.RepetitionInfo repetition) throws Exception {
        var rules = CheckRules.DEFAULT.withReleaseAfter(java.time.Duration.ofDays(90));
        try (var releasing = new TestServer(SeekAuthServer.Settings.onLoopback(server.dbFile().toString()).withRules(rules))) {
            int round = repetition.getCurrentRepetition();
            long stamp = server.store.findUser("racer0").orElseThrow().passwordStamp();
            assertTrue(server.store.bind("racer0", machine(round, 0xee), null, stamp, java.time.Instant.now().minus(java.time.Duration.ofDays(100))));
            var requests = new ArrayList<Callable<HttpResponse<String>>>();
            for (int i = 0; i < SAME_ACCOUNT_RACERS - 1; i++) {
                String machine = machine(round, i);
                var key = DeviceKeys.generate();
                requests.add(() -> releasing.checkSigned("racer0", PASSWORD, machine, key));
            }
            var responses = race(requests);
            var winners = responses.stream().filter(r -> r.statusCode() == 200).toList();
            assertEquals(1, winners.size(), responses.stream().map(HttpResponse::body).toList().toString());
            assertTrue(winners.getFirst().body().contains("\"binding\": \"moved\""), winners.getFirst().body());
            for (var r : responses) {
                if (r.statusCode() != 200) assertTrue(r.body().contains("\"code\": \"USER_BOUND_TO_OTHER_MACHINE\""), r.body());
            }
            var bound = server.store.findUser("racer0").orElseThrow();
            long free = 0;
            for (int i = 0; i < SAME_ACCOUNT_RACERS - 1; i++) if (server.store.findMachineOwner(machine(round, i)).isEmpty()) free++;
            assertEquals(SAME_ACCOUNT_RACERS - 2, free, "one new machine bound, the others free");
            assertTrue(server.store.findMachineOwner(machine(round, 0xee)).isEmpty(), "the idle machine released");
            assertTrue(releasing.logLines().stream().anyMatch(line -> line.contains("decision=OK binding=moved released="
                    + machine(round, 0xee).substring(0, 8) + " user=racer0")), "the log says which machine was released");
            assertNotNull(bound.deviceKey());
            server.store.unbind("racer0");
        }
    }
}
