/** The response bodies of SPEC section 3: small enough to write by hand, with proper escaping. */
final class JsonBodies {

    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private JsonBodies() {}

    static String ok(CheckResult.Ok ok) {
        return "{\"status\": \"OK\", \"username\": " + quote(ok.username())
                + ", \"binding\": " + quote(ok.binding().name().toLowerCase(java.util.Locale.ROOT)) + "}";
    }

    /** An RFC 9457 problem with the stable "code" extension member. */
    static String problem(int status, String title, String code, String detail) {
        return "{\"type\": \"about:blank\", \"title\": " + quote(title) + ", \"status\": " + status
                + ", \"code\": " + quote(code) + ", \"detail\": " + quote(detail) + "}";
    }

    static String problem(CheckResult.Refused refused) {
        return problem(refused.reason().status, refused.reason().title, refused.reason().name(), refused.detail());
    }

    static String quote(String text) {
        var sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
