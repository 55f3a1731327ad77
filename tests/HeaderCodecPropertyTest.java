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
        var triple = Triple.random(new Random(seed));

        var decoded = HeaderCodec.decode(HeaderCodec.encode(triple.username(), triple.password(), triple.machineId()));

        assertEquals(new HeaderCodec.Valid(triple.canonical()), decoded);
    }

    /** A valid username, password and machine ID from the generators below, and their canonical form. */
    record Triple(String username, String password, String machineId) {
        static Triple random(Random random) {
            var triple = new Triple(randomUsername(random), randomPassword(random), randomMachineId(random));
            assertTrue(Credentials.problem(triple.username, triple.password, triple.machineId).isEmpty(), "generator made an invalid triple");
            return triple;
        }

        Credentials canonical() {
            return new Credentials(username.toLowerCase(), Normalizer.normalize(password, Normalizer.Form.NFC), machineId);
        }
    }

    /** One device key for the signed round trips: making a key per case would only measure the key generator. */
    static final java.security.KeyPair KEY = DeviceKeys.generate();

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anySignedHeaderRoundTripsAndItsProofHolds(long seed) {
        var random = new Random(seed);
        var triple = Triple.random(random);
        var time = java.time.Instant.ofEpochSecond(random.nextLong(4_000_000_000L));
        String credentials = HeaderCodec.encode(triple.username(), triple.password(), triple.machineId());

        var decoded = HeaderCodec.decode(DeviceProof.signedHeader(credentials, "https://auth.example.test", KEY, time));

        var signed = assertInstanceOf(HeaderCodec.Signed.class, decoded);
        assertEquals(triple.canonical(), signed.credentials());
        assertEquals(credentials, signed.proof().credentials());
        assertEquals(DeviceKeys.base64url(DeviceKeys.point(KEY.getPublic())), signed.proof().key());
        assertEquals(time.getEpochSecond(), signed.proof().time());
        assertEquals(java.util.Optional.empty(), signed.proof().problemAt(time.toEpochMilli(), java.util.List.of("https://auth.example.test"), null));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryBytesNeverThrow(long seed) {
        var random = new Random(seed);
        byte[] bytes = new byte[random.nextInt(1200)];
        random.nextBytes(bytes);
        String value = random.nextBoolean() ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.ISO_8859_1);
        assertNotNull(HeaderCodec.decode(value));
        // The same, as the parts of a signed header, each of about the right length.
        String part = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String signed = value + "." + part.substring(0, Math.min(87, part.length())) + "." + random.nextInt() + "."
                + part.substring(0, Math.min(22, part.length())) + "." + part.substring(0, Math.min(86, part.length()));
        assertNotNull(HeaderCodec.decode(signed));
    }

    /** A well-formed header with exactly one rule broken: malformed, and its detail never shows the password. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void oneBrokenRuleIsMalformedAndTheDetailNeverShowsThePassword(long seed) {
        var random = new Random(seed);
        String username = randomUsername(random);
        String password = "pw-" + randomPassword(random).substring(0, 1) + randomMachineId(random).substring(0, 8);
        String machineId = randomMachineId(random);
        int rule = random.nextInt(5);
        switch (rule) {
            case 0 -> username = username.substring(0, username.length() / 2) + " " + username.substring(username.length() / 2);
            case 1 -> machineId = machineId.substring(1) + "ABCDEFG".charAt(random.nextInt(7));  // not lower-case hex
            case 2 -> machineId = machineId.substring(1 + random.nextInt(63));                    // too short
            case 3 -> password = password + (char) random.nextInt(0x20);
            default -> password = password + "x".repeat(1024);
        }
        String raw = username + ":" + password + ":" + machineId;
        var decoded = HeaderCodec.decode(Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));

        var malformed = assertInstanceOf(HeaderCodec.Malformed.class, decoded, "rule " + rule + " broken");
        assertFalse(malformed.detail().contains(password.substring(0, Math.min(password.length(), 12))),
                "the detail shows the password: " + malformed.detail().replace(password, "<password>"));
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
