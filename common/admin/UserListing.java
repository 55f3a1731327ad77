import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * `useradmin list` output: a table for people, JSON for scripts. Machine IDs are shortened in
 * both, and a bound device key is shown by the first 8 characters of its fingerprint. The JSON's
 * key_added is when a version-2 login pinned the key to a binding made without one (null when
 * the key came with the binding, or there is none): the moment to ask about, if it surprises.
 */
public final class UserListing {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private UserListing() {}

    public static String table(List<Store.User> users) {
        if (users.isEmpty()) return "no users\n";
        String format = "%-" + Math.max(4, users.stream().mapToInt(u -> u.username().length()).max().orElse(4)) + "s  %-8s  %-8s  %-20s  %s%n";
        var sb = new StringBuilder(String.format(format, "USER", "MACHINE", "KEY", "BOUND SINCE", "LAST CHECK"));
        for (var user : users) {
            sb.append(String.format(format, user.username(), user.isBound() ? shortId(user) : "-",
                    user.deviceKey() == null ? "-" : shortKey(user), time(user.boundAt()), time(user.lastCheckAt())));
        }
        return sb.toString();
    }

    public static String json(List<Store.User> users) {
        if (users.isEmpty()) return "[]\n";
        return users.stream().map(user -> "  {\"username\": " + Json.quote(user.username())
                        + ", \"bound\": " + user.isBound()
                        + ", \"machine_id_prefix\": " + (user.isBound() ? Json.quote(shortId(user)) : "null")
                        + ", \"key\": " + (user.deviceKey() == null ? "null" : Json.quote(shortKey(user)))
                        + ", \"key_added\": " + jsonTime(user.keyAddedAt())
                        + ", \"bound_at\": " + jsonTime(user.boundAt())
                        + ", \"last_check_at\": " + jsonTime(user.lastCheckAt())
                        + ", \"created_at\": " + jsonTime(user.createdAt()) + "}")
                .collect(Collectors.joining(",\n", "[\n", "\n]\n"));
    }

    private static String shortId(Store.User user) {
        return Credentials.shortMachineId(user.machineId());
    }

    /** The first 8 characters of the bound key's fingerprint, as `client.java --show-machine-id` shows it whole. */
    private static String shortKey(Store.User user) {
        return DeviceKeys.fingerprint(user.deviceKey()).substring(0, 8);
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    private static String jsonTime(Instant instant) {
        return instant == null ? "null" : Json.quote(instant.toString());
    }
}
