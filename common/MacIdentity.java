import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** macOS: the IOPlatformUUID of the platform expert device, as ioreg prints it. */
final class MacIdentity {

    static final List<String> COMMAND = List.of("ioreg", "-rd1", "-c", "IOPlatformExpertDevice");
    private static final Pattern UUID_LINE = Pattern.compile("\"IOPlatformUUID\"\\s*=\\s*\"([^\"]*)\"");

    private MacIdentity() {}

    static String read(MachineIdentity.SystemAccess system) throws MachineIdentity.MissingIdentityException {
        Optional<String> value = system.runCommand(COMMAND)
                .map(UUID_LINE::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .flatMap(MachineIdentity::usable);
        return value.orElseThrow(() -> new MachineIdentity.MissingIdentityException(
                "no usable machine identity: 'ioreg -rd1 -c IOPlatformExpertDevice' gave no IOPlatformUUID"));
    }
}
