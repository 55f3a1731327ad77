import java.security.KeyPair;

/** This computer's device key, as the client holds it: what a proof needs, and where the key lives. */
public interface DeviceKey extends DeviceSigner {

    /** Where the key lives, as --show-machine-id says it: {@code file PATH}, or {@code pkcs11 token "LABEL", not extractable}. */
    String where();

    /** A key pair held in memory, as the sealed file gives it. */
    static DeviceKey inMemory(KeyPair key, String where) {
        DeviceSigner signer = DeviceSigner.of(key);
        return new DeviceKey() {
            @Override public byte[] point() {
                return signer.point();
            }

            @Override public byte[] sign(byte[] message) {
                return signer.sign(message);
            }

            @Override public String where() {
                return where;
            }
        };
    }
}
