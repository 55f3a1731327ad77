import java.lang.reflect.InvocationTargetException;
import java.security.spec.AlgorithmParameterSpec;

/**
 * HKDF-SHA256 (RFC 5869), from the JDK where it has it (javax.crypto.KDF, JDK 25 and later)
 * and from Bouncy Castle on JDK 21 to 24. The JDK's is reached by reflection, so that the
 * client still compiles and runs on JDK 21; it spares a JDK 25 client Bouncy Castle's signed
 * jar, whose signature check cost about a tenth of a second on every run.
 */
final class Hkdf {

    private Hkdf() {}

    /** length bytes of HKDF-SHA256(input key material, salt, info). */
    static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        return Runtime.version().feature() >= 25 ? withJdk(ikm, salt, info, length) : withBouncyCastle(ikm, salt, info, length);
    }

    /** KDF.getInstance("HKDF-SHA256").deriveData(HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt).thenExpand(info, length)). */
    static byte[] withJdk(byte[] ikm, byte[] salt, byte[] info, int length) {
        try {
            Class<?> kdfClass = Class.forName("javax.crypto.KDF");
            Class<?> spec = Class.forName("javax.crypto.spec.HKDFParameterSpec");
            Class<?> builder = Class.forName("javax.crypto.spec.HKDFParameterSpec$Builder");
            Object extract = spec.getMethod("ofExtract").invoke(null);
            extract = builder.getMethod("addIKM", byte[].class).invoke(extract, (Object) ikm);
            extract = builder.getMethod("addSalt", byte[].class).invoke(extract, (Object) salt);
            Object parameters = builder.getMethod("thenExpand", byte[].class, int.class).invoke(extract, info, length);
            Object kdf = kdfClass.getMethod("getInstance", String.class).invoke(null, "HKDF-SHA256");
            return (byte[]) kdfClass.getMethod("deriveData", AlgorithmParameterSpec.class).invoke(kdf, parameters);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the JDK's HKDF failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JDK has no javax.crypto.KDF", e);
        }
    }

    static byte[] withBouncyCastle(byte[] ikm, byte[] salt, byte[] info, int length) {
        return BouncyCastle.hkdf(ikm, salt, info, length);
    }

    /**
     * In a class of its own: verifying code that hands Bouncy Castle's types to each other loads
     * them, and with them the jar's signature check, even where that code never runs.
     */
    private static final class BouncyCastle {
        static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
            var hkdf = new org.bouncycastle.crypto.generators.HKDFBytesGenerator(new org.bouncycastle.crypto.digests.SHA256Digest());
            hkdf.init(new org.bouncycastle.crypto.params.HKDFParameters(ikm, salt, info));
            byte[] key = new byte[length];
            hkdf.generateBytes(key, 0, length);
            return key;
        }
    }
}
