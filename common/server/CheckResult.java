import java.time.Duration;

/** What GET /check answers: OK with the binding, or a refusal with its reason (contract sections 2 and 8). */
public sealed interface CheckResult {

    /** How the user's binding stands after the check; MOVED: an idle binding was released for this machine. */
    enum Binding { NEW, EXISTING, MOVED }

    /** Every reason for refusing, with its HTTP status, title and the detail shown when no other is given. */
    enum Refusal {
        MISSING_HEADER(401, "Unauthorized", "The SEEK_CUSTOM_AUTH header is missing."),
        MALFORMED_HEADER(400, "Bad Request", "The SEEK_CUSTOM_AUTH header is malformed."),
        PROOF_REQUIRED(401, "Unauthorized", "This server requires a header signed by the device key (version 2); use the seek-auth client."),
        INVALID_PROOF(401, "Unauthorized", "The device proof is not valid."),
        TOO_MANY_ATTEMPTS(429, "Too Many Requests", "Too many failed attempts; retry later."),
        PROOF_REPLAYED(401, "Unauthorized", "This signed header was used before; each one is good for one request."),
        INVALID_CREDENTIALS(401, "Unauthorized", "The username or password is incorrect."),
        USER_BOUND_TO_OTHER_MACHINE(403, "Forbidden", "This account is bound to another computer."),
        MACHINE_BOUND_TO_OTHER_USER(403, "Forbidden", "This computer is bound to another account."),
        DEVICE_KEY_MISMATCH(403, "Forbidden", "This account is bound to this computer with another device key."),
        SERVICE_UNAVAILABLE(503, "Service Unavailable", "The credential store is unavailable; retry later.");

        public final int status;
        public final String title;
        public final String defaultDetail;

        Refusal(int status, String title, String defaultDetail) {
            this.status = status;
            this.title = title;
            this.defaultDetail = defaultDetail;
        }
    }

    /**
     * releasedMachine: the machine ID an idle binding was released from (MOVED only), for the log;
     * addedKey: the device key this check pinned to a binding made without one (contract section 14),
     * for the log. Each is null otherwise.
     */
    record Ok(String username, Binding binding, String releasedMachine, String addedKey) implements CheckResult {
        Ok(String username, Binding binding) {
            this(username, binding, null, null);
        }
    }

    /** retryAfter is null unless the client should wait (429, and 503 when busy). */
    record Refused(Refusal reason, String detail, Duration retryAfter) implements CheckResult {
        Refused(Refusal reason) {
            this(reason, reason.defaultDetail, null);
        }
    }
}
