import java.util.List;
import java.util.regex.Pattern;

/** Windows: HKLM\SOFTWARE\Microsoft\Cryptography\MachineGuid, from the 64-bit registry view. */
final class WindowsIdentity {

    /**
     * reg.exe by absolute path, in %SystemRoot%\System32 (else C:\Windows): through PATH, anyone
     * who can set a variable could choose the machine ID.
     */
    static final List<String> COMMAND = List.of(regExe(System.getenv("SystemRoot")), "query",
            "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid", "/reg:64");

    static String regExe(String systemRoot) {
        String root = systemRoot == null || systemRoot.isBlank() ? "C:\\Windows" : systemRoot.replaceAll("[\\\\/]+$", "");
        return root + "\\System32\\reg.exe";
    }
    private static final Pattern GUID_LINE = Pattern.compile("MachineGuid\\s+REG_SZ\\s+(\\S+)");

    private WindowsIdentity() {}

    static String read(RawMachineIdentity.SystemAccess system) throws RawMachineIdentity.MissingIdentityException {
        return RawMachineIdentity.fromCommand(system, COMMAND, GUID_LINE,
                "no usable machine identity: the registry value HKLM\\SOFTWARE\\Microsoft\\Cryptography\\MachineGuid is missing");
    }
}
