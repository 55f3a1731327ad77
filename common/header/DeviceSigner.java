import java.security.KeyPair;

/**
 * A device key as a proof needs it: its public point, and signatures made with it. Where the
 * private key lives (a sealed file, a PKCS#11 token) is the key store's business, not the proof's.
 */
public interface DeviceSigner {

    /** The public key as the 65-byte uncompressed point 0x04 || X || Y. */
    byte[] point();

    /** An ES256 signature of these bytes in the 64-byte R||S form; IllegalStateException when the key cannot sign. */
    byte[] sign(byte[] message);

    /** A key pair held in memory, as the sealed file gives it and as tests make them. */
    static DeviceSigner of(KeyPair key) {
        byte[] point = DeviceKeys.point(key.getPublic());
        return new DeviceSigner() {
            @Override
            public byte[] point() {
                return point.clone();
            }

            @Override
            public byte[] sign(byte[] message) {
                return DeviceKeys.sign(key.getPrivate(), message);
            }
        };
    }
}
