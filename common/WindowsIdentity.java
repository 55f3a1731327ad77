import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Windows: HKLM\SOFTWARE\Microsoft\Cryptography\MachineGuid, from the 64-bit registry view. */
final class WindowsIdentity {

    static final List<String> COMMAND = List.of("reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid", "/reg:64");
    private static final Pattern GUID_LINE = Pattern.compile("MachineGuid\\s+REG_SZ\\s+(\\S+)");

    private WindowsIdentity() {}

    static String read(MachineIdentity.SystemAccess system) throws MachineIdentity.MissingIdentityException {
        Optional<String> value = system.runCommand(COMMAND)
                .map(GUID_LINE::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .flatMap(MachineIdentity::usable);
        return value.orElseThrow(() -> new MachineIdentity.MissingIdentityException(
                "no usable machine identity: the registry value HKLM\\SOFTWARE\\Microsoft\\Cryptography\\MachineGuid is missing"));
    }
}
