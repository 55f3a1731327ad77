///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES common/header/*.java common/client/*.java
//SOURCES common/cli/Terminal.java common/cli/TlsContexts.java
// A run lasts a third of a second: C2 would compile nothing that pays back. C1 only took a
// warm check from about 480 to 340 ms (bench/launch.sh).
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The seek-auth desktop client's command line: options (see ClientOptions), then one check or the machine ID. */
class client {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        ClientOptions options;
        try {
            options = ClientOptions.parse(args, System::getenv);
        } catch (ClientOptions.UsageException e) {
            System.err.println("client: " + e.getMessage());
            return DesktopClient.BAD_INPUT;
        }
        if (options.help()) {
            System.out.print(ClientOptions.USAGE);
            return DesktopClient.OK;
        }
        if (options.version()) {
            System.out.println(ClientOptions.VERSION);
            return DesktopClient.OK;
        }
        DeviceKeyStore keys;
        switch (options.keyStore()) {
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
                System.err.println("client: --key-store must be file or pkcs11, not " + options.keyStore() + " (see --help)");
                return DesktopClient.BAD_INPUT;
            }
        }
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        var client = new DesktopClient(stdin, Terminal.system(), System.out, System.err, RawMachineIdentity.THIS_COMPUTER, keys);
        if (options.showMachineId()) return client.showMachineId();
        javax.net.ssl.SSLContext tls = null;
        if (options.trustCert() != null) {
            try {
                tls = TlsContexts.trusting(options.trustCert());
            } catch (TlsContexts.TlsSetupException e) {
                System.err.println("client: " + e.getMessage());
                return DesktopClient.BAD_INPUT;
            }
        }
        return client.check(options.server(), tls);
    }

    /** The token's PIN: SEEK_PKCS11_PIN, else asked without echo on the terminal; null when neither is there. */
    private static char[] tokenPin(String token) {
        String fromEnvironment = System.getenv("SEEK_PKCS11_PIN");
        if (fromEnvironment != null) return fromEnvironment.toCharArray();
        return Terminal.system().map(terminal -> terminal.readPassword("PIN for token \"" + token + "\": ")).orElse(null);
    }
}
