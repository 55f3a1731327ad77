import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./jbang client.java` as a real process, with this computer's real identity, against a real
 * server. Its configuration folder (the device key's) is a temporary one, through XDG_CONFIG_HOME.
 */
class ClientProcessTest {

    static final String PASSWORD = "process-Pa55";

    @RegisterExtension final TestServer server = TestServer.inTempDir().withUser("alice", PASSWORD);
    @TempDir Path config;

    /** The environment of every client run here: its own configuration folder. */
    Map<String, String> env() {
        return Map.of("XDG_CONFIG_HOME", config.toString());
    }

    Map<String, String> env(String name, String value) {
        var env = new java.util.HashMap<>(env());
        env.put(name, value);
        return env;
    }

    Processes.Result client(String stdin, String... args) {
        var command = new java.util.ArrayList<String>(List.of("client.java"));
        command.addAll(List.of(args));
        return Processes.run(Processes.jbang(env(), command.toArray(String[]::new)), stdin, 120);
    }

    Path keyFile() {
        return config.resolve("seek-auth").resolve("device-key");
    }

    String base() {
        return server.check.resolve("/").toString();
    }

    @Test
    void bindsThisComputerAndItsNewDeviceKeyAndExits0() throws Exception {
        var result = client("alice\n" + PASSWORD + "\n", "--server", base());
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("HTTP 200\n{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"new\"}\n", result.stdout());
        var alice = server.store.findUser("alice").orElseThrow();
        assertEquals(MachineId.derive(RawMachineIdentity.read()), alice.machineId());
        var key = DeviceKeyFile.loadOrCreate(config.resolve("seek-auth"), RawMachineIdentity.read(), warning -> {});
        assertEquals(DeviceKeys.base64url(DeviceKeys.point(key.getPublic())), alice.deviceKey(), "the key made on this first run is bound");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(keyFile())));
        assertFalse(result.stdout().contains(PASSWORD) || result.stderr().contains(PASSWORD));

        var again = client("alice\n" + PASSWORD + "\n", "--server", base());
        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stdout().contains("\"binding\": \"existing\""), again.stdout());
    }

    /** The client signs for the origin of its --server URL; a server with --public-url takes only its own. */
    @Test
    void theClientLogsInAtTheServersPublicUrlAndIsToldWhenItNamesAnother() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String publicUrl = "http://localhost:" + port;
        try (var strict = TestServer.inTempDir(settings -> settings.withPort(port)
                .withRules(CheckRules.DEFAULT.withPublicOrigins(List.of(publicUrl)))).withUser("alice", PASSWORD)) {
            var elsewhere = client("alice\n" + PASSWORD + "\n", "--server", "http://127.0.0.1:" + port);
            assertEquals(1, elsewhere.exitCode(), elsewhere.stderr());
            assertTrue(elsewhere.stdout().startsWith("HTTP 401\n"), elsewhere.stdout());
            assertTrue(elsewhere.stdout().contains("\"code\": \"INVALID_PROOF\", \"detail\": \"the proof is for http://127.0.0.1:" + port
                    + "; this server is " + publicUrl + "\""), elsewhere.stdout());

            var atItsUrl = client("alice\n" + PASSWORD + "\n", "--server", publicUrl + "/");
            assertEquals(0, atItsUrl.exitCode(), atItsUrl.stderr());
            assertTrue(atItsUrl.stdout().contains("\"binding\": \"new\""), atItsUrl.stdout());
        }
    }

    /**
     * The key file of this computer, on "another computer": the client run in a mount namespace
     * that shows another /etc/machine-id, as a copy of the config folder elsewhere would be.
     */
    @Test
    void theKeyFileDoesNotOpenUnderAnotherMachineIdentityAndExits4() throws Exception {
        assertEquals(0, client("", "--show-machine-id").exitCode(), "makes the key on this computer");
        byte[] before = java.nio.file.Files.readAllBytes(keyFile());
        Path otherIdentity = config.resolve("other-machine-id");
        java.nio.file.Files.writeString(otherIdentity, "0f0e0d0c0b0a09080706050403020100\n");
        var builder = Processes.inAnotherMachineIdentity(otherIdentity, env(), "client.java", "--server", base());

        var result = Processes.run(builder, "alice\n" + PASSWORD + "\n", 120);

        assertEquals(4, result.exitCode(), result.stderr());
        assertEquals(List.of("client: the device key " + keyFile() + " does not open on this computer (it was sealed on another computer,"
                + " or it is damaged); remove it to make a new key, which an admin then binds anew with `useradmin unbind`"), result.errorLines());
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(keyFile()), "never replaced");
        assertFalse(server.store.findUser("alice").orElseThrow().isBound(), "nothing was sent");
    }

    @Test
    void serverFromTheEnvironmentAndWrongPasswordExits1() {
        var result = Processes.run(Processes.jbang(env("SEEK_SERVER", base()), "client.java"), "alice\nwrong-password\n", 120);
        assertEquals(1, result.exitCode(), result.stderr());
        assertTrue(result.stdout().startsWith("HTTP 401\n"), result.stdout());
    }

    @Test
    void unreachableServerExits3WithOneLineAndNoStackTrace() throws Exception {
        int freePort;
        try (var socket = new java.net.ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        var result = client("alice\n" + PASSWORD + "\n", "--server", "http://127.0.0.1:" + freePort);
        assertEquals(3, result.exitCode());
        assertEquals(List.of("client: cannot reach http://127.0.0.1:" + freePort + "/check: connection refused"), result.errorLines());
    }

    @Test
    void anUnknownHostIsCalledThatNotRefused() {
        var result = client("alice\n" + PASSWORD + "\n", "--server", "http://no-such-host.invalid");
        assertEquals(3, result.exitCode());
        assertEquals(List.of("client: warning: the password goes to no-such-host.invalid unencrypted over http://; use https://",
                "client: cannot reach http://no-such-host.invalid/check: unknown host"), result.errorLines());
    }

    @Test
    void theEndpointsOwnUrlWorksAsTheServerUrl() {
        var result = client("alice\n" + PASSWORD + "\n", "--server", server.check.toString());
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().startsWith("HTTP 200\n"), result.stdout());
    }

    static final String NON_ASCII_PASSWORD = "pässwörd-Ünïcode";

    /**
     * Runs the client on a terminal with this input typed ahead. The terminal echoes type-ahead
     * before the client can turn echo off, so the passwords are blanked out of what it shows.
     */
    Processes.Result onTerminal(String typed, Map<String, String> env) {
        var withConfig = new java.util.HashMap<>(env());
        withConfig.putAll(env);
        var result = Processes.run(Processes.jbangOnTerminal(withConfig, "client.java", "--server", base()), typed, 120);
        String shown = result.stdout().replace(PASSWORD, "<typed password>").replace(NON_ASCII_PASSWORD, "<typed password>");
        return new Processes.Result(result.exitCode(), shown, result.stderr());
    }

    @Test
    void onATerminalAnEmptyUsernameIsAskedAgainAtOnce() {
        var result = onTerminal("\nalice\n" + PASSWORD + "\n", Map.of());
        assertEquals(0, result.exitCode(), result.stdout());
        assertTrue(result.stdout().contains("Username: username is empty; try again, or Ctrl-D to quit\r\nUsername: Password: "),
                result.stdout());
    }

    @Test
    void onATerminalCtrlDAtUsernameEndsTheClientAtOnce() {
        var result = onTerminal("\u0004", Map.of());
        assertEquals(2, result.exitCode(), result.stdout());
        assertTrue(result.stdout().contains("client: no username given"), result.stdout());
        assertFalse(result.stdout().contains("Password:"), result.stdout());
    }

    @Test
    void aNonAsciiPasswordTypedUnderLangCIsRefusedNotSentAltered() {
        server.addUser("bob", NON_ASCII_PASSWORD);
        var typed = "bob\n" + NON_ASCII_PASSWORD + "\n";
        var underC = onTerminal(typed, Map.of("LANG", "C", "LC_ALL", "C"));
        assertEquals(2, underC.exitCode(), underC.stdout());
        assertTrue(underC.stdout().contains("client: the terminal sent characters that its charset (US-ASCII, from the locale) cannot read;"
                + " use a UTF-8 locale (e.g. LANG=C.UTF-8) or pipe the input"), underC.stdout());
        assertEquals(List.of(), server.logLines().stream().filter(line -> line.contains("user=bob")).toList(), "nothing was sent");

        var underUtf8 = onTerminal(typed, Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8"));
        assertEquals(0, underUtf8.exitCode(), underUtf8.stdout());
    }

    @Test
    void emptyInputExits2() {
        var result = client("", "--server", base());
        assertEquals(2, result.exitCode());
        assertEquals(List.of("client: no username given (first line of standard input)"), result.errorLines());
    }

    @Test
    void showMachineIdPrintsThisComputersIdAndKeyFingerprint() throws Exception {
        var result = client("", "--show-machine-id");
        assertEquals(0, result.exitCode(), result.stderr());
        var key = DeviceKeyFile.loadOrCreate(config.resolve("seek-auth"), RawMachineIdentity.read(), warning -> {});
        assertEquals(MachineId.derive(RawMachineIdentity.read()) + "\nkey SHA256:" + DeviceKeys.fingerprint(DeviceKeys.point(key.getPublic()))
                + " (file " + keyFile() + ")\n", result.stdout());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(config.resolve("seek-auth"))));
    }

    @Test
    void thereIsNoWayToSetTheMachineIdFromTheCommandLine() {
        var result = client("", "--machine-id", "0".repeat(64));
        assertEquals(2, result.exitCode());
        assertEquals(List.of("client: unknown option --machine-id; 1 unexpected argument (not shown) (see --help)"), result.errorLines());
    }
}
