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
}
