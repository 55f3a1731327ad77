import java.util.List;
import java.util.regex.Pattern;

/** macOS: the IOPlatformUUID of the platform expert device, as ioreg prints it. */
final class MacIdentity {

    /** By absolute path: through PATH, anyone who can set a variable could choose the machine ID. */
    static final List<String> COMMAND = List.of("/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice");
    private static final Pattern UUID_LINE = Pattern.compile("\"IOPlatformUUID\"\\s*=\\s*\"([^\"]*)\"");

    private MacIdentity() {}

    static String read(RawMachineIdentity.SystemAccess system) throws RawMachineIdentity.MissingIdentityException {
        return RawMachineIdentity.fromCommand(system, COMMAND, UUID_LINE,
                "no usable machine identity: 'ioreg -rd1 -c IOPlatformExpertDevice' gave no IOPlatformUUID");
    }
}
