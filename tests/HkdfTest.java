import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 from the JDK (25+) and from Bouncy Castle (21 to 24) agree with RFC 5869 and with each other. */
class HkdfTest {

    static final HexFormat HEX = HexFormat.of();

    /** RFC 5869, appendix A.1: the basic test case with SHA-256. */
    @Test
    void bothGiveRfc5869sFirstTestVector() {
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
        String okm = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
        assertEquals(okm, HEX.formatHex(Hkdf.withBouncyCastle(ikm, salt, info, 42)));
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 25, "the JDK has HKDF from 25 on");
        assertEquals(okm, HEX.formatHex(Hkdf.withJdk(ikm, salt, info, 42)));
        assertEquals(okm, HEX.formatHex(Hkdf.sha256(ikm, salt, info, 42)));
    }
}
