import java.time.Duration;

/**
 * Each device proof counts once (contract sections 12 and 14): its nonce is recorded in the
 * store, keyed by the device key and the nonce, with the proof's own time, so a header used
 * once is refused on every instance after. A proof is good while its time is within a minute
 * of the checking instance's clock; its record is kept until that time is three minutes past,
 * so no instance whose clock is within a minute of another's can sweep a record whose proof
 * another instance would still accept.
 */
public final class ProofNonces {

    /** How long after its proof's time a nonce is remembered. */
    public static final Duration KEPT = Duration.ofSeconds(180);
    /** How often one instance deletes records older than {@link #KEPT}. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

    private final Store store;
    /** When this instance last deleted old records (epoch ms; 0: not yet). */
    private volatile long lastSweep = 0;

    public ProofNonces(Store store) {
        this.store = store;
    }

    /**
     * Records the nonce of a proof whose time (Unix seconds) was checked against now (epoch ms,
     * the same reading); false when this key used it before. Throws {@link Store.StoreException}.
     */
    public boolean firstUse(String deviceKey, String nonce, long proofTimeSeconds, long now) {
        sweepIfDue(now);
        return store.recordNonce(deviceKey, nonce, proofTimeSeconds * 1000, now, now - KEPT.toMillis());
    }

    /** The same, as part of a transaction the caller runs; the sweep is the caller's to ask for first. */
    public boolean firstUse(Store.Tx tx, String deviceKey, String nonce, long proofTimeSeconds, long now) {
        return tx.recordNonce(deviceKey, nonce, proofTimeSeconds * 1000, now, now - KEPT.toMillis());
    }

    /** Deletes the records whose proofs' time is over {@link #KEPT} past, when this instance has not for a while. */
    public void sweepIfDue(long now) {
        if (now - lastSweep >= SWEEP_EVERY.toMillis()) {
            lastSweep = now;
            store.deleteNoncesBefore(now - KEPT.toMillis());
        }
    }
}
