import java.time.Duration;

/** What GET /check answers: OK with the binding, or a refusal with its reason (contract section 2). */
public sealed interface CheckResult {

    enum Binding { NEW, EXISTING }

    /** Every reason for refusing, with its HTTP status, title and the detail shown when no other is given. */
    enum Refusal {
        MISSING_HEADER(401, "Unauthorized", "The SEEK_CUSTOM_AUTH header is missing.", false),
        MALFORMED_HEADER(400, "Bad Request", "The SEEK_CUSTOM_AUTH header is malformed.", false),
        TOO_MANY_ATTEMPTS(429, "Too Many Requests", "Too many failed attempts; retry later.", false),
        INVALID_CREDENTIALS(401, "Unauthorized", "The username or password is incorrect.", true),
        USER_BOUND_TO_OTHER_MACHINE(403, "Forbidden", "This account is bound to another computer.", true),
        MACHINE_BOUND_TO_OTHER_USER(403, "Forbidden", "This computer is bound to another account.", true),
        /** Mostly before any hash (the store is down, the hashing queue is full); logged as such. */
        SERVICE_UNAVAILABLE(503, "Service Unavailable", "The credential store is unavailable; retry later.", false);

        public final int status;
        public final String title;
        public final String defaultDetail;
        /** Whether this answer comes only after a password was checked: such decisions are logged one by one. */
        public final boolean verifiedAPassword;

        Refusal(int status, String title, String defaultDetail, boolean verifiedAPassword) {
            this.status = status;
            this.title = title;
            this.defaultDetail = defaultDetail;
            this.verifiedAPassword = verifiedAPassword;
        }
    }

    record Ok(String username, Binding binding) implements CheckResult {}

    /** retryAfter is null unless the client should wait (429, and 503 when busy). */
    record Refused(Refusal reason, String detail, Duration retryAfter) implements CheckResult {
        Refused(Refusal reason) {
            this(reason, reason.defaultDetail, null);
        }
    }
}
