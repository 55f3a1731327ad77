import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** JSON string literals for the server's bodies and useradmin's listings. */
class JsonTest {

    @Test
    void quoteEscapesEveryCharacterJsonRequires() {
        assertEquals("\"plain\"", Json.quote("plain"));
        assertEquals("\"a\\\"b\\\\c\"", Json.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\"", Json.quote("\n\r\t"));
        assertEquals("\"\\u0000\\u001b\\u001f\"", Json.quote("\u0000\u001b\u001f"));
        assertEquals("\"é ✓ \uD83D\uDE00\"", Json.quote("é ✓ \uD83D\uDE00"), "other characters as they are");
    }
}
