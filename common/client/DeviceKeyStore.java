import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Where this computer's device key is kept (contract sections 12 and 15), one source per kind
 * behind one call, as {@link RawMachineIdentity} has one source per operating system: the
 * sealed file in the configuration folder ({@code --key-store file}, the default), or a PKCS#11
 * token such as a TPM or a security key ({@code --key-store pkcs11}, {@link Pkcs11Token}).
 */
public interface DeviceKeyStore {

    /**
     * The device key, made when there is none yet. rawIdentity is this computer's raw OS identity
     * (the file's key is sealed under it); warnings gets one line for each thing set right on the way.
     */
    DeviceKey open(String rawIdentity, Consumer<String> warnings) throws UnusableKeyException;

    /** The sealed file {@code device-key} in this folder. */
    static DeviceKeyStore sealedFile(Path folder) {
        return (rawIdentity, warnings) -> DeviceKey.inMemory(DeviceKeyFile.loadOrCreate(folder, rawIdentity, warnings),
                "file " + folder.resolve(DeviceKeyFile.FILE_NAME));
    }
}
