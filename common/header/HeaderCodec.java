import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SEEK_CUSTOM_AUTH header (contract section 1):
 * base64(UTF-8(username ":" password ":" machine-id)), standard alphabet with padding.
 */
public final class HeaderCodec {

    public static final String HEADER_NAME = "SEEK_CUSTOM_AUTH";
    public static final int MAX_HEADER_BYTES = 4096;

    /** What decoding a header value gives: valid credentials, or the rule it broke. */
    public sealed interface Decoded permits Valid, Malformed {}

    public record Valid(Credentials credentials) implements Decoded {}

    /** {@code detail} names the rule broken; it never contains the password. */
    public record Malformed(String detail) implements Decoded {}

    private HeaderCodec() {}

    /** The header value for these credentials, as sent; the caller checks the rules first. */
    public static String encode(String username, String password, String machineId) {
        String plain = username + ":" + password + ":" + machineId;
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    public static Decoded decode(String headerValue) {
        if (headerValue.isEmpty()) return new Malformed("header value is empty");
        if (headerValue.length() > MAX_HEADER_BYTES)
            return new Malformed("header value is longer than " + MAX_HEADER_BYTES + " bytes");

        // Checked before decoding: the decoder says no by throwing, and an exception costs more
        // than the rest of a malformed answer (a flood of them is the common attack).
        if (!looksLikeBase64(headerValue)) return notBase64();
        byte[] bytes = Base64.getDecoder().decode(headerValue);
        // Java's decoder also takes missing padding and stray low bits: insist on the one canonical form.
        if (!Base64.getEncoder().encodeToString(bytes).equals(headerValue)) return notBase64();

        String plain;
        try {
            plain = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Malformed("decoded header is not valid UTF-8");
        }

        int first = plain.indexOf(':');
        int last = plain.lastIndexOf(':');
        if (first < 0 || first == last)
            return new Malformed("decoded header must be username:password:machine-id (two colons at least)");

        String username = plain.substring(0, first);
        String password = plain.substring(first + 1, last);
        String machineId = plain.substring(last + 1);
        return Credentials.problem(username, password, machineId)
                .<Decoded>map(Malformed::new)
                .orElseGet(() -> new Valid(Credentials.canonical(username, password, machineId)));
    }

    /** Whole 4-character groups of the standard alphabet, with '=' only as the last one or two. */
    private static boolean looksLikeBase64(String value) {
        int length = value.length();
        if (length % 4 != 0) return false;
        int padding = value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0;
        for (int i = 0; i < length - padding; i++) {
            char c = value.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!alphabet) return false;
        }
        return true;
    }

    private static Malformed notBase64() {
        return new Malformed("header value is not base64 (RFC 4648 standard alphabet, with padding)");
    }
}
