import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The decision behind GET /check, step by step in the order of contract section 2.
 * It knows nothing of HTTP; it logs one line per decision, with no password,
 * no header value, and only the first 8 characters of the machine ID.
 */
public final class CheckService {

    private static final System.Logger LOG = System.getLogger("seek-auth.check");
    /** A bind that loses a race re-reads the store; a handful of rounds settles any race. */
    private static final int BIND_ROUNDS = 3;

    private final Store store;
    private final PasswordHasher hasher;
    private final FailureBudgets budgets;
    private final HashingGate gate;

    /** Runs after the password verified and before the first write; a seam for tests of what happens meanwhile. */
    private final Consumer<String> afterVerify;
    /** Runs before each re-read round of the binding; a seam for tests of the retry branches. */
    private final IntConsumer beforeRound;
    private final DecisionLog decisions = DecisionLog.toSystemLog();

    public CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate) {
        this(store, hasher, budgets, gate, username -> {}, round -> {});
    }

    CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate,
                 Consumer<String> afterVerify, IntConsumer beforeRound) {
        this.store = store;
        this.hasher = hasher;
        this.budgets = budgets;
        this.gate = gate;
        this.afterVerify = afterVerify;
        this.beforeRound = beforeRound;
    }

    /** Writes the decision counts still held back; called once the web server has stopped. */
    public void close() {
        decisions.close();
    }

    /**
     * @param headerValues every SEEK_CUSTOM_AUTH value in the request (none, one, or too many)
     * @param clientAddress the client's address, for the budgets and the logs
     */
    public CheckResult check(List<String> headerValues, String clientAddress) {
        return check(headerValues, () -> clientAddress);
    }

    /** As above, with the client address worked out only when an answer needs it (most 400s do not). */
    public CheckResult check(List<String> headerValues, Supplier<String> clientAddress) {
        if (headerValues.isEmpty()) {
            return logged(MISSING_HEADER, null, clientAddress);
        }
        if (headerValues.size() > 1) {
            return logged(malformed("more than one SEEK_CUSTOM_AUTH header"), null, clientAddress);
        }
        return switch (HeaderCodec.decode(headerValues.getFirst())) {
            case HeaderCodec.Malformed m -> logged(malformed(m.detail()), null, clientAddress);
            case HeaderCodec.Valid v -> {
                Supplier<String> address = memoized(clientAddress);  // for the budgets, then the log
                yield logged(checkCredentials(v.credentials(), address.get()), v.credentials(), address);
            }
            // Proofs are not verified yet: until they are, a signed header is not accepted at all.
            case HeaderCodec.Signed s -> logged(malformed("signed (version 2) headers are not accepted yet"), null, clientAddress);
        };
    }

    private static final CheckResult.Refused MISSING_HEADER = new CheckResult.Refused(CheckResult.Refusal.MISSING_HEADER);

    private static Supplier<String> memoized(Supplier<String> supplier) {
        var value = new java.util.concurrent.atomic.AtomicReference<String>();
        return () -> {
            String known = value.get();
            if (known == null) value.set(known = supplier.get());
            return known;
        };
    }

    private CheckResult checkCredentials(Credentials credentials, String clientAddress) {
        String username = credentials.username();
        if (gate.isFull()) return busy();  // before the store is asked anything: a flood costs it nothing
        try {
            Optional<Store.User> user = store.findUser(username);
            boolean fromBoundMachine = user.map(u -> credentials.machineId().equals(u.machineId())).orElse(false);
            var reservation = budgets.reserve(username, fromBoundMachine, clientAddress);
            if (reservation instanceof FailureBudgets.Refused refused) {
                long seconds = refused.retryAfter().toSeconds();
                return new CheckResult.Refused(CheckResult.Refusal.TOO_MANY_ATTEMPTS,
                        "Too many failed attempts; retry after " + seconds + " seconds.", refused.retryAfter());
            }
            var admitted = (FailureBudgets.Admitted) reservation;
            var outcome = FailureBudgets.Outcome.ABANDONED;
            try {
                String storedHash = user.map(Store.User::passwordHash).orElse(null);
                Optional<Boolean> verified = gate.run(() -> hasher.verify(credentials.password(), storedHash));
                if (verified.isEmpty()) return busy();
                if (!verified.get()) {
                    outcome = FailureBudgets.Outcome.FAILED;
                    return new CheckResult.Refused(CheckResult.Refusal.INVALID_CREDENTIALS);
                }
                outcome = FailureBudgets.Outcome.VERIFIED;
                afterVerify.accept(username);
                CheckResult result = decideBinding(user, username, credentials.machineId());
                if (result instanceof CheckResult.Ok && hasher.needsRehash(storedHash)) {
                    rehash(username, storedHash, credentials.password());
                }
                return result;
            } finally {
                budgets.settle(admitted, outcome);
            }
        } catch (Store.StoreException e) {
            LOG.log(Level.WARNING, "store failure: " + e.getMessage());
            return new CheckResult.Refused(CheckResult.Refusal.SERVICE_UNAVAILABLE);
        }
    }

    /** Best effort: the login already succeeded, and the old hash still verifies next time. */
    private void rehash(String username, String oldHash, String password) {
        try {
            gate.run(() -> store.replaceHash(username, oldHash, hasher.hash(password)));
        } catch (Store.StoreException e) {
            LOG.log(Level.WARNING, "could not store a stronger hash for " + username + ": " + e.getMessage());
        }
    }

    /**
     * Step 5, after the password verified. The first round uses the row read before
     * verifying; the writes are conditional (on the binding and on the verified hash),
     * so a round that finds the row changed since reads it again.
     */
    private CheckResult decideBinding(Optional<Store.User> verifiedRow, String username, String machineId) {
        String verifiedHash = verifiedRow.map(Store.User::passwordHash).orElseThrow();
        Optional<Store.User> user = verifiedRow;
        for (int round = 0; round < BIND_ROUNDS; round++) {
            if (round > 0) {
                user = store.findUser(username);
                beforeRound.accept(round);
            }
            if (user.isEmpty() || !user.get().passwordHash().equals(verifiedHash)) {
                // Deleted, or its password changed, since the password was verified: nothing is written.
                return new CheckResult.Refused(CheckResult.Refusal.INVALID_CREDENTIALS);
            }
            String boundTo = user.get().machineId();
            if (boundTo != null && !boundTo.equals(machineId)) {
                return new CheckResult.Refused(CheckResult.Refusal.USER_BOUND_TO_OTHER_MACHINE);
            }
            if (boundTo != null) {
                if (store.recordCheck(username, machineId, verifiedHash)) return new CheckResult.Ok(username, CheckResult.Binding.EXISTING);
                continue;  // unbound by an admin, or the password changed, meanwhile: look again
            }
            Optional<String> owner = store.findMachineOwner(machineId);
            if (owner.isPresent() && !owner.get().equals(username)) {
                return new CheckResult.Refused(CheckResult.Refusal.MACHINE_BOUND_TO_OTHER_USER);
            }
            if (owner.isPresent()) continue;  // a concurrent request of this same user bound it just now
            if (store.bind(username, machineId, verifiedHash)) return new CheckResult.Ok(username, CheckResult.Binding.NEW);
            // Lost a race, or the password changed: look again.
        }
        return new CheckResult.Refused(CheckResult.Refusal.SERVICE_UNAVAILABLE, "The binding kept changing; retry.", Duration.ofSeconds(1));
    }

    private static CheckResult.Refused busy() {
        return new CheckResult.Refused(CheckResult.Refusal.SERVICE_UNAVAILABLE, "The server is busy; retry shortly.", Duration.ofSeconds(1));
    }

    private static CheckResult.Refused malformed(String detail) {
        return new CheckResult.Refused(CheckResult.Refusal.MALFORMED_HEADER, detail, null);
    }

    private CheckResult logged(CheckResult result, Credentials credentials, Supplier<String> clientAddress) {
        Supplier<String> line = () -> {
            String who = credentials == null ? "" : " user=" + credentials.username() + " machine=" + credentials.shortMachineId();
            String what = switch (result) {
                case CheckResult.Ok ok -> "OK binding=" + ok.binding().name().toLowerCase(java.util.Locale.ROOT);
                case CheckResult.Refused r when r.reason() == CheckResult.Refusal.MALFORMED_HEADER -> r.reason() + " detail=\"" + r.detail() + "\"";
                case CheckResult.Refused r -> r.reason().name();
            };
            return "decision=" + what + who + " addr=" + clientAddress.get();
        };
        if (result instanceof CheckResult.Refused r && !r.reason().verifiedAPassword) {
            decisions.cheap(r.reason().name(), line);
        } else {
            decisions.verified(line.get());
        }
        return result;
    }
}
