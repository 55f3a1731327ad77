import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one real PostgreSQL database keep every rule as one instance
 * does (contract section 4): no double binding whatever the interleaving, and one set of
 * failure budgets.
 */
class TwoInstancesTest {

    static final String PASSWORD = "two-instances-Pa55";
    static final int TRIALS = 25;

    TestServer a;
    TestServer b;

    @BeforeEach
    void start() {
        String url = PostgresCluster.shared().newDatabase();
        a = TestServer.trustingLoopbackProxy(url);
        b = TestServer.trustingLoopbackProxy(url);
    }

    @AfterEach
    void stop() {
        try {
            a.close();
        } finally {
            b.close();
        }
    }

    static String machine(int trial, int i) {
        return String.format("%04x%04x", trial, i).repeat(8);
    }

    static List<HttpResponse<String>> race(List<Callable<HttpResponse<String>>> requests) throws Exception {
        try (var pool = Executors.newFixedThreadPool(requests.size())) {
            var responses = new ArrayList<HttpResponse<String>>();
            for (Future<HttpResponse<String>> f : pool.invokeAll(requests)) responses.add(f.get());
            return responses;
        }
    }

    /** At most one machine per user and one user per machine, read straight from the database. */
    void assertNoDoubleBinding() {
        var bound = a.store.listUsers().stream().filter(Store.User::isBound).toList();
        var machines = new HashSet<String>();
        for (var user : bound) assertTrue(machines.add(user.machineId()), "machine bound twice: " + user);
    }

    @Test
    void twoUsersRacingForOneMachineOneRequestAtEachInstance() throws Exception {
        int doubleBindings = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            String first = "m" + trial + "a";
            String second = "m" + trial + "b";
            a.addUser(first, PASSWORD);
            a.addUser(second, PASSWORD);
            String machine = machine(trial, 0xffff);
            var responses = race(List.of(() -> a.check(first, PASSWORD, machine), () -> b.check(second, PASSWORD, machine)));
            long winners = responses.stream().filter(r -> r.statusCode() == 200).count();
            if (winners > 1) doubleBindings++;
            assertEquals(1, winners, "trial " + trial + ": " + responses.stream().map(HttpResponse::body).toList());
            for (var r : responses) {
                if (r.statusCode() != 200) assertTrue(r.body().contains("\"code\": \"MACHINE_BOUND_TO_OTHER_USER\""), r.body());
            }
        }
        assertEquals(0, doubleBindings);
        assertNoDoubleBinding();
        assertEquals(TRIALS, a.store.listUsers().stream().filter(Store.User::isBound).count());
    }

    @Test
    void oneUserRacingFromTwoMachinesOneRequestAtEachInstance() throws Exception {
        for (int trial = 0; trial < TRIALS; trial++) {
            String user = "u" + trial;
            a.addUser(user, PASSWORD);
            String m1 = machine(trial, 1);
            String m2 = machine(trial, 2);
            var responses = race(List.of(() -> a.check(user, PASSWORD, m1), () -> b.check(user, PASSWORD, m2)));
            assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(),
                    "trial " + trial + ": " + responses.stream().map(HttpResponse::body).toList());
            for (var r : responses) {
                if (r.statusCode() != 200) assertTrue(r.body().contains("\"code\": \"USER_BOUND_TO_OTHER_MACHINE\""), r.body());
            }
        }
        assertNoDoubleBinding();
        assertEquals(TRIALS, a.store.listUsers().stream().filter(Store.User::isBound).count());
    }

    @Test
    void guessesSpreadOverTwoInstancesGetNoMoreThanTheBudget() throws Exception {
        a.addUser("alice", PASSWORD);
        String elsewhere = machine(0xee, 0xee);
        // Sequential guesses, alternating instances, each from its own address: only the account budget applies.
        int unauthorized = 0;
        for (int i = 0; i < 12; i++) {
            var server = i % 2 == 0 ? a : b;
            int status = server.checkFrom("198.51.100." + i, "alice", "guess-" + i, elsewhere).statusCode();
            if (status == 401) unauthorized++;
            else assertEquals(429, status);
        }
        assertEquals(5, unauthorized, "the same five free failures as on one instance");
    }

    @Test
    void aLockoutMadeOnOneInstanceShowsOnTheOther() {
        a.addUser("alice", PASSWORD);
        String elsewhere = machine(0xdd, 0xdd);
        for (int i = 0; i < 5; i++) assertEquals(401, a.checkFrom("203.0.113." + i, "alice", "guess-" + i, elsewhere).statusCode());
        var onB = b.checkFrom("203.0.113.99", "alice", PASSWORD, elsewhere);
        assertEquals(429, onB.statusCode(), "even the right password waits, on the other instance too");
        assertTrue(onB.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void fortyConcurrentWrongGuessesOverBothInstancesVerifyAtMostFive() throws Exception {
        a.addUser("alice", PASSWORD);
        String elsewhere = machine(0xcc, 0xcc);
        var requests = new ArrayList<Callable<HttpResponse<String>>>();
        for (int i = 0; i < 40; i++) {
            var server = i % 2 == 0 ? a : b;
            String address = "192.0.2." + (i + 1);
            String guess = "guess-" + i;
            requests.add(() -> server.checkFrom(address, "alice", guess, elsewhere));
        }
        var responses = race(requests);
        long unauthorized = responses.stream().filter(r -> r.statusCode() == 401).count();
        assertTrue(unauthorized <= 5, unauthorized + " wrong guesses were verified");
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 401 || r.statusCode() == 429),
                responses.stream().map(HttpResponse::statusCode).toList().toString());
        System.out.println("two instances, 40 concurrent wrong guesses: " + unauthorized + " answered 401, "
                + (40 - unauthorized) + " answered 429");
    }

    @Test
    void aSignedHeaderUsedAtOneInstanceIsReplayedAtTheOther() {
        a.addUser("alice", PASSWORD);
        var key = DeviceKeys.generate();
        String header = a.signedHeader("alice", PASSWORD, machine(0, 1), key);
        var first = a.get(a.check, header);
        assertEquals(200, first.statusCode(), first.body());
        var replay = b.get(b.check, header);
        assertEquals(401, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("\"code\": \"PROOF_REPLAYED\""), replay.body());
        assertEquals(200, b.checkSigned("alice", PASSWORD, machine(0, 1), key).statusCode(), "a fresh proof by the same key gets in");
    }

    @Test
    void concurrentCopiesOfOneHeaderOverBothInstancesGiveExactlyOneVerifiedAnswer() throws Exception {
        a.addUser("alice", PASSWORD);
        String header = a.signedHeader("alice", PASSWORD, machine(0, 2), DeviceKeys.generate());
        var requests = new ArrayList<Callable<HttpResponse<String>>>();
        for (int i = 0; i < 16; i++) {
            TestServer at = i % 2 == 0 ? a : b;
            requests.add(() -> at.get(at.check, header));
        }
        var responses = race(requests);
        assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(), responses.stream().map(HttpResponse::body).toList().toString());
        for (var r : responses) {
            if (r.statusCode() != 200) assertTrue(r.body().matches(".*\"code\": \"(PROOF_REPLAYED|TOO_MANY_ATTEMPTS)\".*"), r.body());
        }
    }

    @Test
    void twoMachinesRacingForOneIdleBindingAtTwoInstancesLeaveItWithOne() throws Exception {
        a.close();
        b.close();
        String url = PostgresCluster.shared().newDatabase();
        var rules = CheckRules.DEFAULT.withReleaseAfter(java.time.Duration.ofDays(90));
        a = new TestServer(SeekAuthServer.Settings.onLoopback(url).withRules(rules));
        b = new TestServer(SeekAuthServer.Settings.onLoopback(url).withRules(rules));
        for (int trial = 0; trial < 10; trial++) {
            String user = "idle" + trial;
            a.addUser(user, PASSWORD);
            long stamp = a.store.findUser(user).orElseThrow().passwordStamp();
            assertTrue(a.store.bind(user, machine(trial, 0xee), null, stamp, java.time.Instant.now().minus(java.time.Duration.ofDays(91))));
            String first = machine(trial, 1);
            String second = machine(trial, 2);
            var responses = race(List.of(() -> a.check(user, PASSWORD, first), () -> b.check(user, PASSWORD, second)));
            assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(), "trial " + trial + ": "
                    + responses.stream().map(HttpResponse::body).toList());
            for (var r : responses) {
                if (r.statusCode() == 200) assertTrue(r.body().contains("\"binding\": \"moved\""), r.body());
                else assertTrue(r.body().contains("\"code\": \"USER_BOUND_TO_OTHER_MACHINE\""), r.body());
            }
            String now = a.store.findUser(user).orElseThrow().machineId();
            assertTrue(now.equals(first) || now.equals(second), now);
        }
        assertNoDoubleBinding();
    }
}
