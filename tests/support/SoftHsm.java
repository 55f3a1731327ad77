import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A real SoftHSM2 (Debian's softhsm2) with its tokens in a temporary folder: its configuration
 * file reaches each process through SOFTHSM2_CONF. Each token gets {@link #PIN}.
 */
public final class SoftHsm implements AutoCloseable {

    public static final Path MODULE = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String PIN = "hsm-Pin-4711";
    private static final String SO_PIN = "hsm-So-Pin-4711";

    public final Path dir;
    private final Path conf;

    private SoftHsm(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("softhsm2.conf");
    }

    /** A new SoftHSM with these tokens; the calling test is skipped, saying which package is missing, where it is not installed. */
    public static SoftHsm withTokens(String... labels) {
        Assumptions.assumeTrue(Files.exists(MODULE) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util")),
                "needs SoftHSM2 (Debian package softhsm2, which .ci/run installs)");
        try {
            var hsm = new SoftHsm(Files.createTempDirectory("seek-softhsm"));
            Files.createDirectories(hsm.dir.resolve("tokens"));
            Files.writeString(hsm.conf, "directories.tokendir = " + hsm.dir.resolve("tokens") + "\nobjectstore.backend = file\n");
            for (String label : labels) hsm.addToken(label);
            return hsm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void addToken(String label) {
        var result = Processes.run(new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label,
                "--so-pin", SO_PIN, "--pin", PIN).redirectErrorStream(false), "", 30, env());
        if (result.exitCode() != 0) throw new IllegalStateException("softhsm2-util --init-token failed: " + result.stderr());
    }

    /** What every process that opens these tokens needs in its environment. */
    public Map<String, String> env() {
        return Map.of("SOFTHSM2_CONF", conf.toString());
    }

    /** The client's settings for the token with this label, PIN included. */
    public Map<String, String> clientEnv(String token) {
        return Map.of("SOFTHSM2_CONF", conf.toString(), "SEEK_KEY_STORE", "pkcs11", "SEEK_PKCS11_MODULE", MODULE.toString(),
                "SEEK_PKCS11_TOKEN", token, "SEEK_PKCS11_PIN", PIN);
    }

    public List<String> probe(String token) {
        return TokenProbe.run(MODULE, token, PIN, env());
    }

    @Override
    public void close() {
        Processes.deleteTree(dir);
    }
}
