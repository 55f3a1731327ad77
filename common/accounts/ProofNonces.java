import java.time.Clock;
import java.time.Duration;

/**
 * Each device proof counts once (contract section 8): its nonce is recorded in the store,
 * keyed by the device key and the nonce, so a header used once is refused on every instance
 * after. A proof's time must lie within a minute of the server's clock, so a record older
 * than two minutes can no longer match a usable proof: such records are deleted.
 */
public final class ProofNonces {

    /** How long a nonce is remembered: the whole span in which a proof's time is accepted. */
    public static final Duration KEPT = Duration.ofSeconds(120);
    /** How often one instance deletes records older than {@link #KEPT}. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

    private final Store store;
    private final Clock clock;
    /** When this instance last deleted old records (epoch ms; 0: not yet). */
    private volatile long lastSweep = 0;

    public ProofNonces(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records the nonce; false when this key used it within {@link #KEPT}. Throws {@link Store.StoreException}. */
    public boolean firstUse(String deviceKey, String nonce) {
        long now = clock.millis();
        long forgottenBefore = now - KEPT.toMillis();
        if (now - lastSweep >= SWEEP_EVERY.toMillis()) {
            lastSweep = now;
            store.deleteNoncesBefore(forgottenBefore);
        }
        return store.recordNonce(deviceKey, nonce, now, forgottenBefore);
    }
}
