///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES common/header/*.java common/cli/*.java common/client/*.java
// A run lasts a third of a second: C2 would compile nothing that pays back. C1 only took a
// warm check from about 480 to 340 ms (bench/launch.sh).
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "client", mixinStandardHelpOptions = true, version = "seek-auth 0.1.0", sortOptions = false,
        description = {"seek-auth desktop client: reads the username and password (prompted on a terminal, else",
                "the first two lines of standard input), sends GET /check with this computer's ID and prints",
                "the HTTP status and the body.",
                "Every request is signed by this computer's device key, kept sealed in the per-user",
                "configuration folder (on Linux $XDG_CONFIG_HOME/seek-auth, else ~/.config/seek-auth),",
                "or made and kept inside a PKCS#11 token (--key-store pkcs11).",
                "Exit: 0 OK, 1 refused, 2 bad input, 3 server unreachable, 4 no machine identity or device key."})
class client implements Callable<Integer> {

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:SEEK_SERVER:-http://localhost:8080}",
            description = "server base URL (env SEEK_SERVER; default ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--trust-cert", paramLabel = "FILE", defaultValue = "${env:SEEK_TRUST_CERT}",
            description = {"trust this server certificate (PEM or DER), e.g. a self-signed one",
                    "(env SEEK_TRUST_CERT)"})
    Path trustCert;

    @Option(names = "--key-store", paramLabel = "file|pkcs11", defaultValue = "${env:SEEK_KEY_STORE:-file}",
            description = {"where the device key lives: file (sealed in the configuration folder) or",
                    "pkcs11 (a TPM or security key: SEEK_PKCS11_MODULE, SEEK_PKCS11_TOKEN, and",
                    "the PIN from SEEK_PKCS11_PIN or asked) (env SEEK_KEY_STORE; default file)"})
    String keyStore;

    @Option(names = "--show-machine-id", description = {"print this computer's machine ID, then its device key's fingerprint",
            "(making the key if there is none yet), and exit"})
    boolean showMachineId;

    /** The token's PIN: SEEK_PKCS11_PIN, else asked without echo on the terminal; null when neither is there. */
    private static char[] tokenPin(String token) {
        String fromEnvironment = System.getenv("SEEK_PKCS11_PIN");
        if (fromEnvironment != null) return fromEnvironment.toCharArray();
        return Terminal.system().map(terminal -> terminal.readPassword("PIN for token \"" + token + "\": ")).orElse(null);
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(new client(), args));
    }

    @Override
    public Integer call() {
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        DeviceKeyStore keys;
        switch (keyStore) {
            case "file" -> keys = DeviceKeyStore.sealedFile(ConfigFolder.forThisUser());
            case "pkcs11" -> {
                String module = System.getenv("SEEK_PKCS11_MODULE");
                if (module == null || module.isBlank()) {
                    System.err.println("client: --key-store pkcs11 needs SEEK_PKCS11_MODULE, the token's PKCS#11 module ("
                            + Pkcs11Token.MODULES + ")");
                    return DesktopClient.NO_IDENTITY;
                }
                String token = System.getenv().getOrDefault("SEEK_PKCS11_TOKEN", Pkcs11Token.DEFAULT_TOKEN_LABEL);
                keys = new Pkcs11Token(Path.of(module), token, () -> tokenPin(token), ConfigFolder.forThisUser());
            }
            default -> {
                System.err.println("client: --key-store must be file or pkcs11, not " + keyStore + " (see --help)");
                return DesktopClient.BAD_INPUT;
            }
        }
        var client = new DesktopClient(stdin, Terminal.system(), System.out, System.err, RawMachineIdentity.THIS_COMPUTER, keys);
        if (showMachineId) return client.showMachineId();
        javax.net.ssl.SSLContext tls = null;
        if (trustCert != null) {
            try {
                tls = TlsContexts.trusting(trustCert);
            } catch (TlsContexts.TlsSetupException e) {
                System.err.println("client: " + e.getMessage());
                return DesktopClient.BAD_INPUT;
            }
        }
        return client.check(server, tls);
    }
}
