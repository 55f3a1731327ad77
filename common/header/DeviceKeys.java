// Bouncy Castle's lightweight API, not its JCA provider: the JDK's EC key factory accepts points
// that are not on the curve, and HKDF is not in JDK 21 (client/DeviceKeyFile uses it).
//DEPS org.bouncycastle:bcprov-jdk18on:1.82

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Device keys (contract section 8): ECDSA on P-256, their 65-byte uncompressed SEC1 point,
 * ES256 signatures in the 64-byte R||S form that JOSE uses, and the key's fingerprint.
 * Every primitive is the JDK's, except the curve check, which is Bouncy Castle's.
 */
public final class DeviceKeys {

    public static final int POINT_BYTES = 65;
    public static final int SIGNATURE_BYTES = 64;
    private static final String SIGNATURE = "SHA256withECDSAinP1363Format";
    /** The DER of an X.509 SubjectPublicKeyInfo for a P-256 key, up to its point: the same 26 bytes for every key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    /**
     * The curve, for the server's on-curve check, in a holder of its own: Bouncy Castle's
     * named-curve table loads some 160 classes, which a client that only signs never needs.
     */
    private static final class Curve {
        static final org.bouncycastle.math.ec.ECCurve P256 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("secp256r1").getCurve();
    }

    private DeviceKeys() {}

    public static KeyPair generate() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no P-256 key generator", e);
        }
    }

    /** The public key as 0x04 || X || Y, 32 bytes each. */
    public static byte[] point(PublicKey key) {
        var ec = ((ECPublicKey) key).getW();
        byte[] point = new byte[POINT_BYTES];
        point[0] = 0x04;
        copyFixed(ec.getAffineX(), point, 1);
        copyFixed(ec.getAffineY(), point, 33);
        return point;
    }

    /** The public key of a 65-byte uncompressed point, or empty when it is not a point on P-256. */
    public static Optional<PublicKey> publicKey(byte[] point) {
        if (point.length != POINT_BYTES || point[0] != 0x04) return Optional.empty();
        try {
            Curve.P256.decodePoint(point);  // throws unless the point lies on the curve
        } catch (IllegalArgumentException offTheCurve) {
            return Optional.empty();
        }
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + POINT_BYTES);
        System.arraycopy(point, 0, encoded, X509_PREFIX.length, POINT_BYTES);
        try {
            return Optional.of(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(encoded)));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * The public key of a point this program made and kept sealed (the device key file
     * authenticates it): no on-curve check, so the client never loads the curve table.
     */
    public static PublicKey ownPublicKey(byte[] point) {
        byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + POINT_BYTES);
        System.arraycopy(point, 0, encoded, X509_PREFIX.length, POINT_BYTES);
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 point", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            var signer = Signature.getInstance(SIGNATURE);
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the device key: " + e.getMessage(), e);
        }
    }

    public static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            var verifier = Signature.getInstance(SIGNATURE);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;  // a signature that is not R||S of the curve's size, say
        }
    }

    /** base64url (no padding) of the SHA-256 of the 65-byte point: what `key SHA256:...` shows. */
    public static String fingerprint(byte[] point) {
        try {
            return base64url(MessageDigest.getInstance("SHA-256").digest(point));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** The fingerprint of a key given as its base64url point, as the header and the store carry it. */
    public static String fingerprint(String pointBase64url) {
        return fingerprint(Base64.getUrlDecoder().decode(pointBase64url));
    }

    public static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void copyFixed(BigInteger value, byte[] into, int offset) {
        byte[] bytes = value.toByteArray();  // big-endian, maybe with a leading sign byte, maybe shorter
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, into, offset + 32 - length, length);
    }
}
