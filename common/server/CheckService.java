import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The decision behind GET /check, step by step in the order of contract sections 2 and 8.
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
    private final Clock clock;
    private final CheckRules rules;
    private final ProofNonces nonces;
    private final DecisionMetrics metrics;

    /** Runs after the password verified and before the first write; a seam for tests of what happens meanwhile. */
    private final Consumer<String> afterVerify;
    /** Runs before each re-read round of the binding; a seam for tests of the retry branches. */
    private final IntConsumer beforeRound;
    private final DecisionLog decisions = DecisionLog.toSystemLog();

    /** With the system clock and the default rules. */
    public CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate) {
        this(store, hasher, budgets, gate, Clock.systemUTC(), CheckRules.DEFAULT);
    }

    public CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate, Clock clock, CheckRules rules) {
        this(store, hasher, budgets, gate, clock, rules, DecisionMetrics.NONE);
    }

    /** With its decisions counted in these metrics. */
    public CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate, Clock clock, CheckRules rules,
                        DecisionMetrics metrics) {
        this(store, hasher, budgets, gate, clock, rules, metrics, username -> {}, round -> {});
    }

    CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate, Clock clock, CheckRules rules,
                 Consumer<String> afterVerify, IntConsumer beforeRound) {
        this(store, hasher, budgets, gate, clock, rules, DecisionMetrics.NONE, afterVerify, beforeRound);
    }

    private CheckService(Store store, PasswordHasher hasher, FailureBudgets budgets, HashingGate gate, Clock clock, CheckRules rules,
                         DecisionMetrics metrics, Consumer<String> afterVerify, IntConsumer beforeRound) {
        this.metrics = metrics;
        this.store = store;
        this.hasher = hasher;
        this.budgets = budgets;
        this.gate = gate;
        this.clock = clock;
        this.rules = rules;
        this.nonces = new ProofNonces(store);
        this.afterVerify = afterVerify;
        this.beforeRound = beforeRound;
    }

    /** Writes the decision counts still held back; called once the web server has stopped. */
    public void close() {
        decisions.close();
    }

    /**
     * A result, whether a password was verified on the way to it (such decisions are logged one
     * by one), and what the log line says of its cause, if anything (never shown to the client).
     */
    private record Decided(CheckResult result, boolean verifiedAPassword, String cause) {
        static Decided cheap(CheckResult result) {
            return new Decided(result, false, null);
        }

        static Decided afterVerify(CheckResult result) {
            return new Decided(result, true, null);
        }
    }

    /**
     * A request that names no origin of its own: a proof must be signed for one of the
     * server's public origins (--public-url).
     *
     * @param headerValues every SEEK_CUSTOM_AUTH value in the request (none, one, or too many)
     * @param clientAddress the client's address, for the budgets and the logs
     */
    public CheckResult check(List<String> headerValues, String clientAddress) {
        return check(headerValues, () -> clientAddress, () -> null);
    }

    /**
     * As above, with the client address and the origin the request names (its scheme and Host,
     * null when it has none) worked out only when an answer needs them (most 400s do not).
     */
    public CheckResult check(List<String> headerValues, Supplier<String> clientAddress, Supplier<String> requestOrigin) {
        if (headerValues.isEmpty()) {
            return logged(Decided.cheap(MISSING_HEADER), null, clientAddress);
        }
        if (headerValues.size() > 1) {
            return logged(Decided.cheap(malformed("more than one SEEK_CUSTOM_AUTH header")), null, clientAddress);
        }
        return switch (HeaderCodec.decode(headerValues.getFirst())) {
            case HeaderCodec.Malformed m -> logged(Decided.cheap(malformed(m.detail())), null, clientAddress);
            case HeaderCodec.Valid v when rules.requireProof() ->
                    logged(Decided.cheap(new CheckResult.Refused(CheckResult.Refusal.PROOF_REQUIRED)), v.credentials(), clientAddress);
            case HeaderCodec.Valid v -> {
                Supplier<String> address = memoized(clientAddress);  // for the budgets, then the log
                yield logged(checkCredentials(v.credentials(), null, 0, address), v.credentials(), address);
            }
            case HeaderCodec.Signed s -> {
                // Before the store is asked anything: a forged, stale or misdirected proof costs a
                // signature check or three, no more. One reading of the clock serves the time check
                // and the nonce's record (contract section 14).
                long now = clock.millis();
                String named = requestOrigin.get();
                Optional<String> problem = s.proof().problemAt(now, serverOrigins(named), named);
                if (problem.isPresent()) {
                    var invalid = new CheckResult.Refused(CheckResult.Refusal.INVALID_PROOF, problem.get(), null);
                    yield logged(Decided.cheap(invalid), s.credentials(), clientAddress);
                }
                Supplier<String> address = memoized(clientAddress);
                yield logged(checkCredentials(s.credentials(), s.proof(), now, address), s.credentials(), address);
            }
        };
    }

    /** The origins a proof may be signed for: --public-url's, else the one the request names (none without a Host). */
    private List<String> serverOrigins(String requestOrigin) {
        if (!rules.publicOrigins().isEmpty()) return rules.publicOrigins();
        return requestOrigin == null ? List.of() : List.of(requestOrigin);
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

    /**
     * Where the budgets count this attempt: from the bound machine only with the bound machine
     * ID and, when the binding has a device key, a valid proof by that key (already checked).
     */
    static FailureBudgets.Origin origin(Optional<Store.User> user, String machineId, DeviceProof proof) {
        if (user.isEmpty() || !machineId.equals(user.get().machineId())) return FailureBudgets.Origin.ELSEWHERE;
        String boundKey = user.get().deviceKey();
        if (boundKey == null) return FailureBudgets.Origin.BOUND_MACHINE;
        return proof != null && boundKey.equals(proof.key()) ? FailureBudgets.Origin.BOUND_DEVICE : FailureBudgets.Origin.ELSEWHERE;
    }

    /** What the transaction before the hash found: a replayed proof, or the user's row and the budgets' answer. */
    private record Begun(boolean replayed, Optional<Store.User> user, FailureBudgets.Reservation reservation) {}

    /**
     * Steps 3 to 6, for credentials whose proof (null for version 1) holds at now (epoch ms, the
     * reading its time was checked against). The store work is two transactions: before the hash,
     * the nonce, the user's row and the reservation; after it, the settling and the record of the
     * check. A bind or a move adds its own conditional write.
     */
    private Decided checkCredentials(Credentials credentials, DeviceProof proof, long now, Supplier<String> clientAddress) {
        String username = credentials.username();
        if (gate.isFull()) return Decided.cheap(busy());  // before the store is asked anything: a flood costs it nothing
        boolean verified = false;
        try {
            budgets.sweepIfDue();
            if (proof != null) nonces.sweepIfDue(now);
            Begun begun = store.inTransaction(tx -> {
                // Before any budget: a replayed header takes no slot, so no number of replays can make the owner wait.
                if (proof != null && !nonces.firstUse(tx, proof.key(), proof.nonce(), proof.time(), now)) {
                    return new Begun(true, Optional.empty(), null);
                }
                Optional<Store.User> row = tx.findUser(username);
                return new Begun(false, row, budgets.reserve(tx, username, origin(row, credentials.machineId(), proof), clientAddress.get()));
            });
            if (begun.replayed()) return Decided.cheap(new CheckResult.Refused(CheckResult.Refusal.PROOF_REPLAYED));
            Optional<Store.User> user = begun.user();
            var reservation = begun.reservation();
            if (reservation instanceof FailureBudgets.Refused refused) {
                metrics.throttled(refused.keyKind());
                long seconds = refused.retryAfter().toSeconds();
                return Decided.cheap(new CheckResult.Refused(CheckResult.Refusal.TOO_MANY_ATTEMPTS,
                        "Too many failed attempts; retry after " + seconds + " seconds.", refused.retryAfter()));
            }
            var admitted = (FailureBudgets.Admitted) reservation;
            var outcome = FailureBudgets.Outcome.ABANDONED;
            boolean settled = false;
            try {
                String storedHash = user.map(Store.User::passwordHash).orElse(null);
                Optional<Boolean> matches = gate.run(() -> {
                    long began = System.nanoTime();
                    boolean verifies = hasher.verify(credentials.password(), storedHash);
                    metrics.hashed(System.nanoTime() - began);
                    return verifies;
                });
                if (matches.isEmpty()) return Decided.cheap(busy());
                verified = true;
                if (!matches.get()) {
                    outcome = FailureBudgets.Outcome.FAILED;
                    return Decided.afterVerify(new CheckResult.Refused(CheckResult.Refusal.INVALID_CREDENTIALS));
                }
                outcome = FailureBudgets.Outcome.VERIFIED;
                afterVerify.accept(username);
                String deviceKey = proof == null ? null : proof.key();
                var row = user.orElseThrow();
                CheckResult result;
                if (credentials.machineId().equals(row.machineId()) && java.util.Objects.equals(row.deviceKey(), deviceKey)) {
                    // The common case, a login from the bound machine: settled and recorded in one transaction.
                    settled = true;
                    boolean recorded = store.inTransaction(tx -> {
                        budgets.settle(tx, admitted, FailureBudgets.Outcome.VERIFIED);
                        return tx.recordCheck(username, row.machineId(), row.deviceKey(), row.passwordStamp(), clock.instant());
                    });
                    result = recorded ? new CheckResult.Ok(username, CheckResult.Binding.EXISTING)
                            : decideBinding(user, username, credentials.machineId(), deviceKey, 1);  // changed meanwhile: look again
                } else {
                    result = decideBinding(user, username, credentials.machineId(), deviceKey, 0);
                }
                if (result instanceof CheckResult.Ok && hasher.needsRehash(storedHash)) {
                    rehash(username, storedHash, credentials.password());
                }
                return Decided.afterVerify(result);
            } finally {
                if (!settled) budgets.settle(admitted, outcome);
            }
        } catch (Store.StoreException e) {
            metrics.storeFailed();
            // In the decision's own line: an outage answers every request so, and is summarised like them.
            return new Decided(new CheckResult.Refused(CheckResult.Refusal.SERVICE_UNAVAILABLE), verified, "store failure: " + e.getMessage());
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
     * Step 5, after the password verified. deviceKey is the request's proven key, null for
     * version 1. Round 0 uses the row read before verifying (firstRound 1: it is known to have
     * changed); the writes are conditional (on the binding, its key and the verified password's
     * stamp, which a rehash keeps), so a round that finds the row changed since reads it again.
     */
    private CheckResult decideBinding(Optional<Store.User> verifiedRow, String username, String machineId, String deviceKey, int firstRound) {
        long verifiedStamp = verifiedRow.map(Store.User::passwordStamp).orElseThrow();
        Optional<Store.User> user = verifiedRow;
        for (int round = firstRound; round < BIND_ROUNDS; round++) {
            if (round > 0) {
                user = store.findUser(username);
                beforeRound.accept(round);
            }
            if (user.isEmpty() || user.get().passwordStamp() != verifiedStamp) {
                // Deleted, or its password changed, since the password was verified: nothing is written.
                return new CheckResult.Refused(CheckResult.Refusal.INVALID_CREDENTIALS);
            }
            String boundTo = user.get().machineId();
            Instant now = clock.instant();
            if (boundTo != null && !boundTo.equals(machineId)) {
                if (!idle(user.get(), now)) return new CheckResult.Refused(CheckResult.Refusal.USER_BOUND_TO_OTHER_MACHINE);
                // Idle for longer than --release-after: released for this machine, bound as a first binding is.
                if (store.findMachineOwner(machineId).isPresent()) {
                    return new CheckResult.Refused(CheckResult.Refusal.MACHINE_BOUND_TO_OTHER_USER);
                }
                if (store.moveBinding(username, boundTo, user.get().lastUse(), machineId, deviceKey, verifiedStamp, now)) {
                    return new CheckResult.Ok(username, CheckResult.Binding.MOVED, boundTo, null);
                }
                continue;  // used, moved or unbound meanwhile, or the machine was taken: look again
            }
            if (boundTo != null) {
                String boundKey = user.get().deviceKey();
                if (boundKey != null && deviceKey == null) {
                    // A downgrade; only someone who knows the password learns that a key is bound.
                    return new CheckResult.Refused(CheckResult.Refusal.PROOF_REQUIRED,
                            "This account's binding has a device key: the header must be signed by it (version 2).", null);
                }
                if (boundKey != null && !boundKey.equals(deviceKey)) {
                    return new CheckResult.Refused(CheckResult.Refusal.DEVICE_KEY_MISMATCH);
                }
                if (boundKey == null && deviceKey != null) {
                    // Pinned once, and said in the log: whoever knows the password and the machine ID could do this.
                    if (store.addDeviceKey(username, machineId, deviceKey, verifiedStamp, now)) {
                        return new CheckResult.Ok(username, CheckResult.Binding.EXISTING, null, deviceKey);
                    }
                } else if (store.recordCheck(username, machineId, boundKey, verifiedStamp, now)) {
                    return new CheckResult.Ok(username, CheckResult.Binding.EXISTING);
                }
                continue;  // unbound by an admin, keyed by another request, or the password changed, meanwhile: look again
            }
            Optional<String> owner = store.findMachineOwner(machineId);
            if (owner.isPresent() && !owner.get().equals(username)) {
                return new CheckResult.Refused(CheckResult.Refusal.MACHINE_BOUND_TO_OTHER_USER);
            }
            if (owner.isPresent()) continue;  // a concurrent request of this same user bound it just now
            if (store.bind(username, machineId, deviceKey, verifiedStamp, now)) return new CheckResult.Ok(username, CheckResult.Binding.NEW);
            // Lost a race, or the password changed: look again.
        }
        return new CheckResult.Refused(CheckResult.Refusal.SERVICE_UNAVAILABLE, "The binding kept changing; retry.", Duration.ofSeconds(1));
    }

    /** Whether the binding has been unused for longer than --release-after (never, when that is zero). */
    private boolean idle(Store.User user, Instant now) {
        return !rules.releaseAfter().isZero() && Duration.between(user.lastUse(), now).compareTo(rules.releaseAfter()) > 0;
    }

    private static CheckResult.Refused busy() {
        return new CheckResult.Refused(CheckResult.Refusal.SERVICE_UNAVAILABLE, "The server is busy; retry shortly.", Duration.ofSeconds(1));
    }

    private static CheckResult.Refused malformed(String detail) {
        return new CheckResult.Refused(CheckResult.Refusal.MALFORMED_HEADER, detail, null);
    }

    private CheckResult logged(Decided decided, Credentials credentials, Supplier<String> clientAddress) {
        CheckResult result = decided.result();
        metrics.decided(result);
        Supplier<String> line = () -> {
            String who = credentials == null ? "" : " user=" + credentials.username() + " machine=" + credentials.shortMachineId();
            String what = switch (result) {
                case CheckResult.Ok ok -> "OK binding=" + ok.binding().name().toLowerCase(java.util.Locale.ROOT)
                        + (ok.releasedMachine() == null ? "" : " released=" + Credentials.shortMachineId(ok.releasedMachine()))
                        + (ok.addedKey() == null ? "" : " key=added SHA256:" + DeviceKeys.fingerprint(ok.addedKey()).substring(0, 8));
                case CheckResult.Refused r when r.reason() == CheckResult.Refusal.MALFORMED_HEADER
                        || r.reason() == CheckResult.Refusal.INVALID_PROOF -> r.reason() + " detail=\"" + r.detail() + "\"";
                case CheckResult.Refused r -> r.reason().name();
            };
            String cause = decided.cause() == null ? "" : " cause=\"" + decided.cause() + "\"";
            return "decision=" + what + who + " addr=" + clientAddress.get() + cause;
        };
        if (decided.verifiedAPassword()) {
            decisions.verified(line.get());
        } else {
            decisions.cheap(((result instanceof CheckResult.Refused r) ? r.reason().name() : "OK"), line);
        }
        return result;
    }
}
