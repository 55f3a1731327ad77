import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * seek-auth's per-user configuration folder, where the device key lives (contract section 8):
 * {@code $XDG_CONFIG_HOME/seek-auth} (else {@code ~/.config/seek-auth}) on Linux and other
 * Unix systems, {@code ~/Library/Application Support/seek-auth} on macOS, and
 * {@code %APPDATA%\seek-auth} on Windows.
 */
public final class ConfigFolder {

    public static final String NAME = "seek-auth";

    private ConfigFolder() {}

    /** This user's folder, from this process's environment. */
    public static Path forThisUser() {
        return of(System.getProperty("os.name"), System::getenv, System.getProperty("user.home"));
    }

    /**
     * The folder for this OS, environment and home. $HOME comes before the JVM's user.home,
     * which the JDK takes from the password database: a user who sets HOME means it.
     */
    static Path of(String osName, UnaryOperator<String> env, String userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        String home = absolute(env.apply("HOME")) != null ? env.apply("HOME") : userHome;
        if (os.startsWith("windows")) {
            String appData = absolute(env.apply("APPDATA"));
            return (appData != null ? Path.of(appData) : Path.of(userHome, "AppData", "Roaming")).resolve(NAME);
        }
        if (os.startsWith("mac")) return Path.of(home, "Library", "Application Support", NAME);
        // The XDG Base Directory rules: a relative XDG_CONFIG_HOME is invalid and ignored.
        String xdg = absolute(env.apply("XDG_CONFIG_HOME"));
        return (xdg != null ? Path.of(xdg) : Path.of(home, ".config")).resolve(NAME);
    }

    private static String absolute(String path) {
        return path != null && !path.isEmpty() && Path.of(path).isAbsolute() ? path : null;
    }
}
