/**
 * What the server counts of its decisions, for the admin socket's /observe/metrics (contract
 * section 12). Nothing counted carries a username, a machine ID, an address or a key.
 */
public interface DecisionMetrics {

    /** Every answer of /check, by its code (OK for a 200). */
    void decided(CheckResult result);

    /** A 429, by the kind of budget key that said wait: account, device or address. */
    void throttled(String keyKind);

    /** One Argon2id verify took this long (nanoseconds), queue wait not included. */
    void hashed(long nanos);

    /** The store failed a decision (its 503). */
    void storeFailed();

    /** Counts nothing: a server without --admin-port. */
    DecisionMetrics NONE = new DecisionMetrics() {
        @Override public void decided(CheckResult result) {}
        @Override public void throttled(String keyKind) {}
        @Override public void hashed(long nanos) {}
        @Override public void storeFailed() {}
    };
}
