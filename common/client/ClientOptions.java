import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The client's command line, read by hand. picocli, which the server and useradmin keep, took a
 * third of a warm login here: its classes are Java 5 bytecode, which an AOT cache cannot keep
 * linked, so every run loaded and verified them. The surface and the messages are picocli's as
 * the other scripts show them: {@code --name VALUE} or {@code --name=VALUE}, a flag beats the
 * environment, and a stray value is never echoed (it may be a password typed in the wrong place).
 *
 * @param server --server, else SEEK_SERVER, else {@value #DEFAULT_SERVER}
 * @param trustCert --trust-cert, else SEEK_TRUST_CERT; null for none
 * @param keyStore --key-store, else SEEK_KEY_STORE, else "file"
 */
public record ClientOptions(String server, Path trustCert, String keyStore, boolean showMachineId, boolean help, boolean version) {

    static final String DEFAULT_SERVER = "http://localhost:8080";
    public static final String VERSION = "seek-auth 0.1.0";
    public static final String USAGE = """
            Usage: client [-hV] [--show-machine-id] [--key-store=file|pkcs11] [--server=URL] [--trust-cert=FILE]
            seek-auth desktop client: reads the username and password (prompted on a terminal, else
            the first two lines of standard input), sends GET /check with this computer's ID and prints
            the HTTP status and the body.
            Every request is signed by this computer's device key, kept sealed in the per-user
            configuration folder (on Linux $XDG_CONFIG_HOME/seek-auth, else ~/.config/seek-auth),
            or made and kept inside a PKCS#11 token (--key-store pkcs11).
            Exit: 0 OK, 1 refused, 2 bad input, 3 server unreachable, 4 no machine identity or device key.
                  --server=URL        server base URL (env SEEK_SERVER; default http://localhost:8080)
                  --trust-cert=FILE   trust this server certificate (PEM or DER), e.g. a self-signed one
                                      (env SEEK_TRUST_CERT)
                  --key-store=file|pkcs11
                                      where the device key lives: file (sealed in the configuration folder) or
                                      pkcs11 (a TPM or security key: SEEK_PKCS11_MODULE, SEEK_PKCS11_TOKEN, and
                                      the PIN from SEEK_PKCS11_PIN or asked) (env SEEK_KEY_STORE; default file)
                  --show-machine-id   print this computer's machine ID, then its device key's fingerprint
                                      (making the key if there is none yet), and exit
              -h, --help              Show this help message and exit.
              -V, --version           Print version information and exit.
            """;

    /** The command line cannot be used; the message is the one line to show, after "client: ". */
    public static final class UsageException extends Exception {
        UsageException(String message) {
            super(message + " (see --help)");
        }
    }

    public static ClientOptions parse(String[] args, UnaryOperator<String> env) throws UsageException {
        String server = env.apply("SEEK_SERVER") == null ? DEFAULT_SERVER : env.apply("SEEK_SERVER");
        String trustCert = env.apply("SEEK_TRUST_CERT");
        String keyStore = env.apply("SEEK_KEY_STORE") == null ? "file" : env.apply("SEEK_KEY_STORE");
        boolean showMachineId = false, help = false, version = false;
        var unknown = new ArrayList<String>();
        int strayValues = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inline = name.equals(arg) ? null : arg.substring(arg.indexOf('=') + 1);
            switch (name) {
                case "--server", "--trust-cert", "--key-store" -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.length) throw new UsageException("--" + name.substring(2) + " needs a value");
                        value = args[++i];
                    }
                    switch (name) {
                        case "--server" -> server = value;
                        case "--trust-cert" -> trustCert = value;
                        default -> keyStore = value;
                    }
                }
                case "--show-machine-id", "-h", "--help", "-V", "--version" -> {
                    if (inline != null) throw new UsageException(name + " takes no value");
                    switch (name) {
                        case "--show-machine-id" -> showMachineId = true;
                        case "-h", "--help" -> help = true;
                        default -> version = true;
                    }
                }
                default -> {
                    // An option's name is shown; a value given with it, or alone, is not.
                    if (arg.startsWith("-")) unknown.add(inline == null ? name : name + "=...");
                    else strayValues++;
                }
            }
        }
        if (!unknown.isEmpty() || strayValues > 0) {
            var parts = new ArrayList<String>();
            if (!unknown.isEmpty()) parts.add("unknown option " + String.join(", ", unknown));
            if (strayValues > 0) parts.add(strayValues + " unexpected argument" + (strayValues > 1 ? "s" : "") + " (not shown)");
            throw new UsageException(String.join("; ", parts));
        }
        return new ClientOptions(server, trustCert == null || trustCert.isEmpty() ? null : Path.of(trustCert), keyStore, showMachineId,
                help, version);
    }

    /** The arguments as given, for tests. */
    static ClientOptions parse(List<String> args) throws UsageException {
        return parse(args.toArray(String[]::new), name -> null);
    }
}
