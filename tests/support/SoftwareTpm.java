import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A software TPM 2.0 as a computer has one, for the device key in hardware (contract section
 * 15): swtpm, behind tpm2-abrmd (a resource manager, as /dev/tpmrm0 is on a real computer) on a
 * session D-Bus of its own, with a tpm2-pkcs11 store that holds one token. Every process is
 * ours, started here and stopped by its handle.
 */
public final class SoftwareTpm implements AutoCloseable {

    public static final Path MODULE = Path.of("/usr/lib/x86_64-linux-gnu/libtpm2_pkcs11.so.1");
    public static final String PIN = "tpm-Pin-4711";
    private static final String SO_PIN = "tpm-So-Pin-4711";
    /** What each piece is, and the Debian package it comes in. */
    private static final Map<Path, String> NEEDS = new LinkedHashMap<>();
    static {
        NEEDS.put(Path.of("/usr/bin/swtpm"), "swtpm");
        NEEDS.put(Path.of("/usr/sbin/tpm2-abrmd"), "tpm2-abrmd");
        NEEDS.put(Path.of("/usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0"), "libtss2-tcti-tabrmd0");
        NEEDS.put(Path.of("/usr/lib/x86_64-linux-gnu/libtss2-tcti-swtpm.so.0"), "libtss2-tcti-swtpm0");
        NEEDS.put(Path.of("/usr/bin/dbus-daemon"), "dbus-daemon");
        NEEDS.put(MODULE, "libtpm2-pkcs11-1");
        NEEDS.put(Path.of("/usr/bin/tpm2_ptool"), "libtpm2-pkcs11-tools");
        NEEDS.put(Path.of("/usr/bin/tpm2_getcap"), "tpm2-tools");
    }

    private final Path dir;
    private final int port;
    private final List<Process> running = new ArrayList<>();
    private Process swtpm;
    private Process resourceManager;

    private SoftwareTpm(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A running software TPM with a token of this label; the calling test is skipped, naming the missing packages, where they are not installed. */
    public static SoftwareTpm withToken(String label) {
        var missing = NEEDS.entrySet().stream().filter(e -> !Files.exists(e.getKey())).map(Map.Entry::getValue).toList();
        Assumptions.assumeTrue(missing.isEmpty(), "needs a software TPM: Debian packages " + String.join(", ", missing)
                + " (.ci/run installs them)");
        try {
            var tpm = new SoftwareTpm(Files.createTempDirectory("seek-tpm"), freePortPair());
            try {
                Files.createDirectories(tpm.dir.resolve("state"));
                Files.createDirectories(tpm.dir.resolve("store"));
                tpm.running.add(tpm.start("dbus", List.of("dbus-daemon", "--session", "--nofork", "--nopidfile",
                        "--address=unix:path=" + tpm.dir.resolve("bus"))));
                waitFor(() -> Files.exists(tpm.dir.resolve("bus")), "the session bus");
                tpm.startTpm();
                tpm.tool("tpm2_ptool", "init");
                tpm.tool("tpm2_ptool", "addtoken", "--pid=1", "--label=" + label, "--userpin=" + PIN, "--sopin=" + SO_PIN);
                return tpm;
            } catch (RuntimeException e) {
                tpm.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the TPM and its resource manager, as a reboot does, and starts them again on the same state. */
    public void restart() {
        Processes.stop(resourceManager);
        Processes.stop(swtpm);
        running.remove(resourceManager);
        running.remove(swtpm);
        startTpm();
    }

    private void startTpm() {
        swtpm = start("swtpm", List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir.resolve("state"),
                "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1", "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear"));
        running.add(swtpm);
        waitFor(() -> accepts(port), "swtpm on port " + port);
        resourceManager = start("abrmd", List.of("tpm2-abrmd", "--session", "--allow-root", "--tcti=swtpm:host=127.0.0.1,port=" + port,
                "--flush-all"));
        running.add(resourceManager);
        waitFor(() -> run(List.of("tpm2_getcap", "properties-fixed")).exitCode() == 0, "tpm2-abrmd on the session bus");
    }

    /** What the client's process needs to reach the token. */
    public Map<String, String> clientEnv(String token) {
        var env = new java.util.HashMap<>(toolEnv());
        env.putAll(Map.of("SEEK_KEY_STORE", "pkcs11", "SEEK_PKCS11_MODULE", MODULE.toString(), "SEEK_PKCS11_TOKEN", token,
                "SEEK_PKCS11_PIN", PIN));
        return env;
    }

    public List<String> probe(String token) {
        return TokenProbe.run(MODULE, token, PIN, toolEnv());
    }

    private Map<String, String> toolEnv() {
        return Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + dir.resolve("bus"),
                "TPM2_PKCS11_TCTI", "tabrmd:bus_type=session", "TPM2TOOLS_TCTI", "tabrmd:bus_type=session",
                "TPM2_PKCS11_STORE", dir.resolve("store").toString());
    }

    private Process start(String name, List<String> command) {
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
            builder.environment().putAll(toolEnv());
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Processes.Result run(List<String> command) {
        return Processes.run(new ProcessBuilder(command), "", 60, toolEnv());
    }

    private void tool(String... command) {
        var result = run(List.of(command));
        if (result.exitCode() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + result.stdout() + result.stderr());
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier ready, String what) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(what + " did not come up within 20 s");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A free port whose next port is free too (swtpm's control channel). */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (var first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = first.getLocalPort();
                if (port >= 65535) continue;
                try (var second = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no two free ports in a row on loopback");
    }

    @Override
    public void close() {
        for (var process : running.reversed()) Processes.stop(process);
        Processes.deleteTree(dir);
    }
}
