import java.util.List;
import java.util.regex.Pattern;

/** Windows: HKLM\SOFTWARE\Microsoft\Cryptography\MachineGuid, from the 64-bit registry view. */
final class WindowsIdentity {

    static final List<String> COMMAND = List.of("reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid", "/reg:64");
    private static final Pattern GUID_LINE = Pattern.compile("MachineGuid\\s+REG_SZ\\s+(\\S+)");

    private WindowsIdentity() {}

    static String read(RawMachineIdentity.SystemAccess system) throws RawMachineIdentity.MissingIdentityException {
        return RawMachineIdentity.fromCommand(system, COMMAND, GUID_LINE,
                "no usable machine identity: the registry value HKLM\\SOFTWARE\\Microsoft\\Cryptography\\MachineGuid is missing");
    }
}
