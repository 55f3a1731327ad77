/** JSON string literals, for the bodies the server sends and the listings useradmin prints. */
public final class Json {

    private Json() {}

    /** The text as a JSON string literal: quotes, backslashes and control characters escaped. */
    public static String quote(String text) {
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
