import java.time.Duration;

/** What GET /check answers: OK with the binding, or a refusal with its reason (SPEC section 3). */
public sealed interface CheckResult {

    enum Binding { NEW, EXISTING }

    /** Every reason for refusing, with its HTTP status, title and the detail shown when no other is given. */
    enum Refusal {
        MISSING_HEADER(401, "Unauthorized", "The SEEK_CUSTOM_AUTH header is missing."),
        MALFORMED_HEADER(400, "Bad Request", "The SEEK_CUSTOM_AUTH header is malformed."),
        TOO_MANY_ATTEMPTS(429, "Too Many Requests", "Too many failed attempts; retry later."),
        INVALID_CREDENTIALS(401, "Unauthorized", "The username or password is incorrect."),
        USER_BOUND_TO_OTHER_MACHINE(403, "Forbidden", "This account is bound to another computer."),
        MACHINE_BOUND_TO_OTHER_USER(403, "Forbidden", "This computer is bound to another account."),
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

    record Ok(String username, Binding binding) implements CheckResult {}

    /** retryAfter is null unless the client should wait (429, and 503 when busy). */
    record Refused(Refusal reason, String detail, Duration retryAfter) implements CheckResult {
        Refused(Refusal reason) {
            this(reason, reason.defaultDetail, null);
        }
    }
}
