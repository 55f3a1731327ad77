import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Base64;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round-trip properties over generated inputs. Each case is generated from its
 * seed (shown in the test name), so a failure reproduces exactly.
 */
class HeaderCodecPropertyTest {

    static final String USERNAME_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-";

    static LongStream seeds() {
        return LongStream.range(0, 500);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyValidTripleRoundTripsToItsCanonicalForm(long seed) {
        var random = new Random(seed);
        String username = randomUsername(random);
        String password = randomPassword(random);
        String machineId = randomMachineId(random);
        assertTrue(Credentials.problem(username, password, machineId).isEmpty(), "generator made an invalid triple");

        var decoded = HeaderCodec.decode(HeaderCodec.encode(username, password, machineId));

        var expected = new Credentials(username.toLowerCase(), Normalizer.normalize(password, Normalizer.Form.NFC), machineId);
        assertEquals(new HeaderCodec.Valid(expected), decoded);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryBytesNeverThrowAndMalformedNeverEchoesThePassword(long seed) {
        var random = new Random(seed);
        byte[] bytes = new byte[random.nextInt(1200)];
        random.nextBytes(bytes);
        String value = random.nextBoolean() ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.ISO_8859_1);

        var decoded = HeaderCodec.decode(value);

        if (decoded instanceof HeaderCodec.Malformed m) {
            String plain = new String(bytes, StandardCharsets.UTF_8);
            int first = plain.indexOf(':');
            int last = plain.lastIndexOf(':');
            if (first >= 0 && last - first > 4) assertFalse(m.detail().contains(plain.substring(first + 1, last)));
        }
    }

    static String randomUsername(Random random) {
        var sb = new StringBuilder();
        int length = 1 + random.nextInt(64);
        for (int i = 0; i < length; i++) sb.append(USERNAME_ALPHABET.charAt(random.nextInt(USERNAME_ALPHABET.length())));
        return sb.toString();
    }

    /** Up to 1024 UTF-8 bytes of printable code points from every plane, colons and combining marks included. */
    static String randomPassword(Random random) {
        var sb = new StringBuilder();
        int budget = 1 + random.nextInt(1024);
        while (true) {
            int cp = switch (random.nextInt(5)) {
                case 0 -> ':';
                case 1 -> 0x20 + random.nextInt(0x5F);     // printable ASCII
                case 2 -> 0x0300 + random.nextInt(0x70);   // combining marks, so NFC has work to do
                case 3 -> 0x00A0 + random.nextInt(0xD000); // most of the BMP below the surrogates
                default -> 0x10000 + random.nextInt(0x10000); // supplementary planes
            };
            String next = new String(Character.toChars(cp));
            if (utf8Length(sb) + utf8Length(next) > budget) break;
            sb.append(next);
        }
        return sb.isEmpty() ? "x" : sb.toString();
    }

    static String randomMachineId(Random random) {
        var sb = new StringBuilder();
        for (int i = 0; i < 64; i++) sb.append("0123456789abcdef".charAt(random.nextInt(16)));
        return sb.toString();
    }

    static int utf8Length(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
