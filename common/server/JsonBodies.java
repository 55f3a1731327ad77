/** The response bodies of contract section 2: small enough to write by hand, with proper escaping. */
final class JsonBodies {

    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private JsonBodies() {}

    static String ok(CheckResult.Ok ok) {
        return "{\"status\": \"OK\", \"username\": " + Json.quote(ok.username())
                + ", \"binding\": " + Json.quote(ok.binding().name().toLowerCase(java.util.Locale.ROOT)) + "}";
    }

    /** An RFC 9457 problem with the stable "code" extension member. */
    static String problem(int status, String title, String code, String detail) {
        return "{\"type\": \"about:blank\", \"title\": " + Json.quote(title) + ", \"status\": " + status
                + ", \"code\": " + Json.quote(code) + ", \"detail\": " + Json.quote(detail) + "}";
    }

    static String problem(CheckResult.Refused refused) {
        return problem(refused.reason().status, refused.reason().title, refused.reason().name(), refused.detail());
    }
}
