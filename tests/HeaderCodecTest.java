import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of contract section 1, at, just inside and just past each bound. */
class HeaderCodecTest {

    static final String ID = "0123456789abcdef".repeat(4);

    static String b64(String plain) {
        return Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static Credentials valid(String headerValue) {
        var decoded = HeaderCodec.decode(headerValue);
        if (decoded instanceof HeaderCodec.Valid v) return v.credentials();
        return fail("expected valid, got " + decoded);
    }

    static String malformed(String headerValue) {
        var decoded = HeaderCodec.decode(headerValue);
        if (decoded instanceof HeaderCodec.Malformed m) return m.detail();
        return fail("expected malformed, got " + decoded);
    }

    @Test
    void decodesTheThreeParts() {
        var c = valid(b64("alice:s3cret pass:" + ID));
        assertEquals(new Credentials("alice", "s3cret pass", ID), c);
    }

    @Test
    void encodeIsTheInverseOfDecode() {
        assertEquals(new Credentials("bob", "pw:with:colons", ID), valid(HeaderCodec.encode("bob", "pw:with:colons", ID)));
    }

    @Test
    void passwordTakesEverythingBetweenFirstAndLastColon() {
        assertEquals(":a:b:", valid(b64("alice::a:b::" + ID)).password());
    }

    @Test
    void usernameIsCaseInsensitive() {
        assertEquals("alice.o_k@x-y", valid(b64("Alice.O_K@X-Y:pw:" + ID)).username());
    }

    @Test
    void passwordIsNormalisedToNfc() {
        String decomposed = "caf\u0065\u0301";  // e + combining acute accent
        String composed = "caf\u00e9";
        assertEquals(composed, valid(b64("alice:" + decomposed + ":" + ID)).password());
        assertEquals(composed, valid(b64("alice:" + composed + ":" + ID)).password());
    }

    @Test
    void usernameLengthBounds() {
        assertEquals("a", valid(b64("a:pw:" + ID)).username());
        assertEquals(64, valid(b64("u".repeat(64) + ":pw:" + ID)).username().length());
        assertEquals("username is longer than 64 characters", malformed(b64("u".repeat(65) + ":pw:" + ID)));
        assertEquals("username is empty", malformed(b64(":pw:" + ID)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"al ice", "al+ice", "alïce", "al/ice", "al\tice", "al\u0000ice"})
    void usernameRejectsCharactersOutsideTheSet(String username) {
        assertEquals("username contains a character outside A-Z a-z 0-9 . _ @ -",
                malformed(b64(username + ":pw:" + ID)));
    }

    @Test
    void passwordLengthIsCountedInUtf8Bytes() {
        assertEquals("p", valid(b64("alice:p:" + ID)).password());
        assertEquals(1024, valid(b64("alice:" + "p".repeat(1024) + ":" + ID)).password().length());
        assertEquals(512, valid(b64("alice:" + "é".repeat(512) + ":" + ID)).password().length());  // 1024 bytes
        assertEquals("password is longer than 1024 UTF-8 bytes", malformed(b64("alice:" + "p".repeat(1025) + ":" + ID)));
        assertEquals("password is longer than 1024 UTF-8 bytes", malformed(b64("alice:" + "é".repeat(512) + "p:" + ID)));
        assertEquals("password is empty", malformed(b64("alice::" + ID)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0009", "\n", "\r", "\u001F", "\u007F"})
    void passwordRejectsControlCharacters(String control) {
        assertEquals("password contains a control character (U+0000 to U+001F or U+007F)",
                malformed(b64("alice:pass" + control + "word:" + ID)));
    }

    @Test
    void passwordAcceptsSpacesAndNonAsciiLetters() {
        assertEquals(" pässwörd 密码 ", valid(b64("alice: pässwörd 密码 :" + ID)).password());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0123", "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void machineIdMustBe64LowerCaseHex(String machineId) {
        assertEquals("machine-id must be exactly 64 lower-case hex characters", malformed(b64("alice:pw:" + machineId)));
    }

    @Test
    void machineIdLengthAndCaseBounds() {
        assertEquals(ID, valid(b64("alice:pw:" + ID)).machineId());
        assertTrue(malformed(b64("alice:pw:" + ID.substring(1))).startsWith("machine-id"));
        assertTrue(malformed(b64("alice:pw:" + ID + "0")).startsWith("machine-id"));
        assertTrue(malformed(b64("alice:pw:" + ID.toUpperCase())).startsWith("machine-id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "alice:pw"})
    void needsTwoColons(String plain) {
        assertEquals("decoded header must be username:password:machine-id (two colons at least)", malformed(b64(plain)));
    }

    @Test
    void emptyValue() {
        assertEquals("header value is empty", malformed(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!!!", "YWxpY2U", "YWxp Y2U=", "YWxpY2U=\n", "YR==", "YWxpY2U-", "YWxpY2U_", "=YWx"})
    void rejectsAnythingButCanonicalPaddedBase64(String value) {
        assertEquals("header value is not base64 (RFC 4648 standard alphabet, with padding)", malformed(value));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] plain = ("alice:pw\u00ff:" + ID).getBytes(StandardCharsets.ISO_8859_1);  // a lone 0xFF byte
        assertEquals("decoded header is not valid UTF-8", malformed(Base64.getEncoder().encodeToString(plain)));
        byte[] overlong = {'a', ':', (byte) 0xC0, (byte) 0xAF, ':', 'x'};
        assertEquals("decoded header is not valid UTF-8", malformed(Base64.getEncoder().encodeToString(overlong)));
    }

    @Test
    void headerLengthLimitIs4096Bytes() {
        String at = "A".repeat(4096);
        String past = "A".repeat(4097);
        // At the limit the length passes, and the next rule speaks: 4096 "A"s decode to zero bytes, no colons.
        assertEquals("decoded header must be username:password:machine-id (two colons at least)", malformed(at));
        assertEquals("header value is longer than 4096 bytes", malformed(past));
    }

    @Test
    void detailNeverContainsThePassword() {
        String password = "Hunter2-secret";
        for (String plain : new String[] {
                "bad user:" + password + ":" + ID,
                "alice:" + password + ":nothex",
                "alice:" + password + "\u0001:" + ID,
                "u".repeat(65) + ":" + password + ":" + ID}) {
            assertFalse(malformed(b64(plain)).contains(password), plain);
        }
    }

    @Test
    void toStringRedactsThePassword() {
        String text = new Credentials("alice", "Hunter2-secret", ID).toString();
        assertFalse(text.contains("Hunter2-secret"), text);
        assertFalse(text.contains(ID), text);
    }

    // Version 2: CREDENTIALS.KEY.TIME.NONCE.SIGNATURE (contract section 8).

    static final java.security.KeyPair KEY = DeviceKeys.generate();
    static final String CREDENTIALS = b64("alice:s3cret pass:" + ID);

    /** A well-formed signed header's five parts, to break one at a time. */
    static String[] signedParts() {
        return DeviceProof.signedHeader(CREDENTIALS, "https://auth.example.test", KEY, java.time.Instant.ofEpochSecond(1_800_000_000L))
                .split("\\.");
    }

    static String with(int part, String value) {
        String[] parts = signedParts();
        parts[part] = value;
        return String.join(".", parts);
    }

    @Test
    void aSignedHeaderDecodesToItsCredentialsAndProof() {
        String[] parts = signedParts();
        assertEquals(87, parts[1].length());
        assertEquals("1800000000", parts[2]);
        assertEquals(22, parts[3].length());
        assertEquals(86, parts[4].length());
        var signed = assertInstanceOf(HeaderCodec.Signed.class, HeaderCodec.decode(String.join(".", parts)));
        assertEquals(new Credentials("alice", "s3cret pass", ID), signed.credentials());
        assertEquals(parts[1], signed.proof().key());
        assertEquals(1_800_000_000L, signed.proof().time());
        assertEquals(parts[3], signed.proof().nonce());
        assertEquals(CREDENTIALS, signed.proof().credentials());
    }

    @Test
    void aSignedHeaderNeedsExactlyFiveParts() {
        String whole = String.join(".", signedParts());
        assertEquals("a signed header has 5 parts separated by '.' (credentials.key.time.nonce.signature), not 4",
                malformed(whole.substring(0, whole.lastIndexOf('.'))));
        assertEquals("a signed header has 5 parts separated by '.' (credentials.key.time.nonce.signature), not 6", malformed(whole + ".x"));
        assertEquals("a signed header has 5 parts separated by '.' (credentials.key.time.nonce.signature), not 2", malformed(CREDENTIALS + "."));
    }

    @Test
    void eachPartOfASignedHeaderIsNamedWhenItIsWrong() {
        assertEquals("credentials part: header value is not base64 (RFC 4648 standard alphabet, with padding)", malformed(with(0, "not base64!")));
        assertEquals("credentials part: machine-id must be exactly 64 lower-case hex characters", malformed(with(0, b64("alice:pw:xyz"))));
        assertEquals("credentials part: decoded header must be username:password:machine-id (two colons at least)", malformed(with(0, "")));

        String key = "key part must be 87 base64url characters without padding (a 65-byte P-256 point)";
        String[] parts = signedParts();
        assertEquals(key, malformed(with(1, parts[1].substring(1))), "too short");
        assertEquals(key, malformed(with(1, parts[1] + "A")), "too long");
        assertEquals(key, malformed(with(1, parts[1].substring(1) + "+")), "standard alphabet, not url");
        assertEquals(key, malformed(with(1, parts[1].substring(0, 86) + "=")), "padding");
        assertEquals(key, malformed(with(1, parts[1].substring(0, 86) + flipLowBits(parts[1].charAt(86)))), "stray low bits: not canonical");

        assertEquals("time part must be Unix seconds: decimal digits, no leading zero", malformed(with(2, "0123")));
        assertEquals("time part must be Unix seconds: decimal digits, no leading zero", malformed(with(2, "-5")));
        assertEquals("time part must be Unix seconds: decimal digits, no leading zero", malformed(with(2, "17e8")));
        assertEquals("time part must be Unix seconds: decimal digits, no leading zero", malformed(with(2, "")));
        assertEquals("time part must be Unix seconds: decimal digits, no leading zero", malformed(with(2, "9".repeat(19))), "no overflow");
        assertInstanceOf(HeaderCodec.Signed.class, HeaderCodec.decode(with(2, "0")), "zero is well-formed (and far off the clock)");

        assertEquals("nonce part must be 22 base64url characters without padding (16 bytes)", malformed(with(3, parts[3] + "A")));
        assertEquals("nonce part must be 22 base64url characters without padding (16 bytes)", malformed(with(3, parts[3].substring(2) + "==")));
        assertEquals("signature part must be 86 base64url characters without padding (64 bytes)", malformed(with(4, parts[4].substring(1))));
        assertEquals("signature part must be 86 base64url characters without padding (64 bytes)", malformed(with(4, "/" + parts[4].substring(1))));
    }

    /** The same value in the top 4 bits, other low bits: still decodes, but is not the canonical text. */
    static char flipLowBits(char c) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int value = alphabet.indexOf(c);
        return alphabet.charAt(value ^ 1);
    }

    @Test
    void aKeyThatIsNotAPointOnTheCurveIsMalformed() {
        byte[] point = DeviceKeys.point(KEY.getPublic());
        point[64] ^= 1;  // Y off by one: off the curve
        assertEquals("key part is not an uncompressed point on the P-256 curve", malformed(with(1, DeviceKeys.base64url(point))));
        byte[] compressedTag = DeviceKeys.point(KEY.getPublic());
        compressedTag[0] = 0x02;
        assertEquals("key part is not an uncompressed point on the P-256 curve", malformed(with(1, DeviceKeys.base64url(compressedTag))));
        assertEquals("key part is not an uncompressed point on the P-256 curve", malformed(with(1, DeviceKeys.base64url(new byte[65]))));
    }

    @Test
    void theLengthLimitHoldsForTheWholeSignedValue() {
        String suffix = String.join(".", signedParts()).substring(CREDENTIALS.length());
        String credentials = "A".repeat(4096 - suffix.length());
        assertTrue(malformed(credentials + suffix).startsWith("credentials part: "), "at 4096 bytes the length passes and the next rule speaks");
        assertEquals("header value is longer than 4096 bytes", malformed(credentials + "A" + suffix));
    }
}
