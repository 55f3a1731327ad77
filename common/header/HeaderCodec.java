import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The SEEK_CUSTOM_AUTH header. Version 1 (contract section 1):
 * base64(UTF-8(username ":" password ":" machine-id)), standard alphabet with padding.
 * Version 2 (contract section 8): that value, then ".KEY.TIME.NONCE.SIGNATURE", a proof of
 * possession of the device key. A value without "." is version 1.
 */
public final class HeaderCodec {

    public static final String HEADER_NAME = "SEEK_CUSTOM_AUTH";
    public static final int MAX_HEADER_BYTES = 4096;

    /** What decoding a header value gives: valid credentials (with a proof, for version 2), or the rule it broke. */
    public sealed interface Decoded permits Valid, Signed, Malformed {}

    /** A version-1 header: credentials alone. */
    public record Valid(Credentials credentials) implements Decoded {}

    /** A version-2 header, well-formed; whether its proof holds is {@link DeviceProof#problemAt}'s to say. */
    public record Signed(Credentials credentials, DeviceProof proof) implements Decoded {}

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
        return headerValue.indexOf('.') < 0 ? decodeCredentials(headerValue) : decodeSigned(headerValue);
    }

    private static final Pattern TIME = Pattern.compile("0|[1-9][0-9]{0,17}");

    /** Version 2: CREDENTIALS.KEY.TIME.NONCE.SIGNATURE, each part checked in turn and named when wrong. */
    private static Decoded decodeSigned(String headerValue) {
        String[] parts = headerValue.split("\\.", -1);
        if (parts.length != 5) {
            return new Malformed("a signed header has 5 parts separated by '.' (credentials.key.time.nonce.signature), not " + parts.length);
        }
        var credentials = decodeCredentials(parts[0]);
        if (credentials instanceof Malformed m) return new Malformed("credentials part: " + m.detail());
        byte[] point = base64url(parts[1], DeviceKeys.POINT_BYTES);
        if (point == null) return new Malformed("key part must be 87 base64url characters without padding (a 65-byte P-256 point)");
        var publicKey = DeviceKeys.publicKey(point);
        if (publicKey.isEmpty()) return new Malformed("key part is not an uncompressed point on the P-256 curve");
        if (!TIME.matcher(parts[2]).matches()) return new Malformed("time part must be Unix seconds: decimal digits, no leading zero");
        if (base64url(parts[3], DeviceProof.NONCE_BYTES) == null)
            return new Malformed("nonce part must be 22 base64url characters without padding (16 bytes)");
        if (base64url(parts[4], DeviceKeys.SIGNATURE_BYTES) == null)
            return new Malformed("signature part must be 86 base64url characters without padding (64 bytes)");
        var proof = new DeviceProof(parts[1], publicKey.get(), Long.parseLong(parts[2]), parts[3], parts[4], parts[0]);
        return new Signed(((Valid) credentials).credentials(), proof);
    }

    /** The bytes of canonical unpadded base64url text that decodes to exactly this many bytes, else null. */
    private static byte[] base64url(String text, int bytes) {
        if (text.length() != (bytes * 4 + 2) / 3) return null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!alphabet) return null;
        }
        byte[] decoded = Base64.getUrlDecoder().decode(text);
        // Stray low bits in the last character decode too: insist on the one canonical form.
        return DeviceKeys.base64url(decoded).equals(text) ? decoded : null;
    }

    /** Version 1, which is also the credentials part of version 2. */
    private static Decoded decodeCredentials(String headerValue) {
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
