import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pretend computer for the machine identity's one seam: files and command outputs that
 * the test sets, and a record of what was asked.
 */
public final class FakeSystem implements RawMachineIdentity.SystemAccess {

    public final Map<Path, String> files = new HashMap<>();
    public final Map<List<String>, String> commands = new HashMap<>();
    public final List<String> asked = new ArrayList<>();

    /** A computer whose identity is this raw value, whichever operating system the tests run on. */
    public static FakeSystem withIdentity(String raw) {
        var system = new FakeSystem();
        system.files.put(Path.of("/etc/machine-id"), raw + "\n");
        system.commands.put(MacIdentity.COMMAND, "\"IOPlatformUUID\" = \"" + raw + "\"\n");
        system.commands.put(WindowsIdentity.COMMAND, "    MachineGuid    REG_SZ    " + raw + "\n");
        return system;
    }

    @Override public Optional<String> readFile(Path path) {
        asked.add(path.toString());
        return Optional.ofNullable(files.get(path));
    }

    @Override public Optional<String> runCommand(List<String> command) {
        asked.add(String.join(" ", command));
        return Optional.ofNullable(commands.get(command));
    }
}
