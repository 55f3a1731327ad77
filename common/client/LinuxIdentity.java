import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Linux: systemd's /etc/machine-id, then D-Bus's copy in /var/lib/dbus/machine-id. */
final class LinuxIdentity {

    static final List<Path> FILES = List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));

    private LinuxIdentity() {}

    static String read(RawMachineIdentity.SystemAccess system) throws RawMachineIdentity.MissingIdentityException {
        for (Path file : FILES) {
            Optional<String> value = system.readFile(file).flatMap(RawMachineIdentity::usable);
            if (value.isPresent()) return value.get();
        }
        throw new RawMachineIdentity.MissingIdentityException(
                "no usable machine identity: /etc/machine-id and /var/lib/dbus/machine-id are missing, empty or placeholders"
                        + " (run 'systemd-machine-id-setup' or 'dbus-uuidgen --ensure' as root)");
    }
}
