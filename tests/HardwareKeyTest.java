import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device key in a PKCS#11 token (contract section 15): the real client process against a
 * real server, with the key in a real SoftHSM2 token, and in a software TPM behind its resource
 * manager. One SoftHSM serves the class, a token per test.
 */
class HardwareKeyTest {

    static final String PASSWORD = "hardware-Pa55";
    static final String KEY_LINE = "private keys labelled \"seek-auth device key\": 1";
    static final String NOT_EXTRACTABLE = "token=true private=true sensitive=true extractable=false never-extractable=true";
    static SoftHsm hsm;

    @RegisterExtension final TestServer server = TestServer.inTempDir().withUser("alice", PASSWORD);
    @TempDir Path config;

    @BeforeAll
    static void tokens() {
        hsm = SoftHsm.withTokens("login", "pin", "race", "move");
    }

    @AfterAll
    static void removeTokens() {
        if (hsm != null) hsm.close();
    }

    Processes.Result client(Map<String, String> env, String stdin, String... args) {
        var all = new HashMap<>(env);
        all.put("XDG_CONFIG_HOME", config.toString());
        var command = new java.util.ArrayList<>(List.of("client.java", "--server", server.check.resolve("/").toString()));
        command.addAll(List.of(args));
        return Processes.run(Processes.jbang(all, command.toArray(String[]::new)), stdin, 120);
    }

    Processes.Result login(Map<String, String> env) {
        return client(env, "alice\n" + PASSWORD + "\n");
    }

    /** The key's fingerprint from the second line of --show-machine-id, checking where it says the key lives. */
    String shownFingerprint(Map<String, String> env, String where) {
        var shown = client(env, "", "--show-machine-id");
        assertEquals(0, shown.exitCode(), shown.stderr());
        String second = shown.stdout().lines().toList().get(1);
        assertTrue(second.matches("key SHA256:[A-Za-z0-9_-]{43} \\(" + java.util.regex.Pattern.quote(where) + "\\)"), second);
        return second.substring("key SHA256:".length(), "key SHA256:".length() + 43);
    }

    @Test
    void logsInWithAKeyMadeInsideASoftHsmTokenThatCannotBeReadOut() throws Exception {
        var env = hsm.clientEnv("login");
        var first = login(env);
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals("HTTP 200\n{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"new\"}\n", first.stdout());
        var again = login(env);
        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(again.stdout().contains("\"binding\": \"existing\""), again.stdout());

        String fingerprint = shownFingerprint(env, "pkcs11 token \"login\", not extractable");
        assertEquals(DeviceKeys.fingerprint(server.store.findUser("alice").orElseThrow().deviceKey()), fingerprint, "the token's key is bound");
        assertFalse(Files.exists(config.resolve("seek-auth").resolve("device-key")), "no key file is written");
        assertFalse(first.stderr().contains(SoftHsm.PIN) || first.stdout().contains(SoftHsm.PIN), "the PIN is never shown");

        var probe = hsm.probe("login");
        assertEquals(List.of(KEY_LINE, NOT_EXTRACTABLE, "value: refused (CKR_ATTRIBUTE_SENSITIVE)"), probe);
    }

    @Test
    void aWrongPinIsOneLineAndExit4AndTheRightOneStillWorksAfterwards() {
        var wrong = new HashMap<>(hsm.clientEnv("pin"));
        wrong.put("SEEK_PKCS11_PIN", "not-the-pin");
        var refused = login(wrong);
        assertEquals(4, refused.exitCode(), refused.stderr());
        assertEquals(List.of("client: the PIN for the PKCS#11 token \"pin\" is wrong; it was tried once (so the token's retry counter"
                + " is not run down): check SEEK_PKCS11_PIN or what you typed"), refused.errorLines());
        assertFalse(refused.stderr().contains("not-the-pin"));
        assertEquals("", refused.stdout(), "nothing was sent");

        var right = login(hsm.clientEnv("pin"));
        assertEquals(0, right.exitCode(), right.stderr());
    }

    /** OpenSC's pkcs11-spy between the client and the module counts the client's logins: one per run, right PIN or wrong. */
    @Test
    void thePinIsTriedOncePerRun() throws Exception {
        Path spy = Path.of("/usr/lib/x86_64-linux-gnu/pkcs11-spy.so");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(spy), "needs OpenSC's pkcs11-spy (Debian package opensc-pkcs11)");
        for (String pin : List.of("not-the-pin", SoftHsm.PIN)) {
            Path log = config.resolve("spy-" + pin.length() + ".log");
            var env = new HashMap<>(hsm.clientEnv("pin"));
            env.putAll(Map.of("SEEK_PKCS11_MODULE", spy.toString(), "PKCS11SPY", SoftHsm.MODULE.toString(), "PKCS11SPY_OUTPUT", log.toString(),
                    "SEEK_PKCS11_PIN", pin));
            login(env);
            long logins = Files.readAllLines(log).stream().filter(line -> line.contains("C_Login")).count();
            assertEquals(1, logins, "C_Login calls with " + (pin.equals(SoftHsm.PIN) ? "the right PIN" : "a wrong PIN"));
        }
    }

    @Test
    void aMissingModuleANonPkcs11LibraryAndAnUnknownTokenAreOneLineEachAndExit4() throws Exception {
        var env = new HashMap<>(hsm.clientEnv("login"));
        env.put("SEEK_PKCS11_MODULE", "/nonexistent/libtoken.so");
        var missing = login(env);
        assertEquals(4, missing.exitCode());
        assertEquals(List.of("client: the PKCS#11 module /nonexistent/libtoken.so does not exist; set SEEK_PKCS11_MODULE to your token's ("
                + Pkcs11Token.MODULES + ")"), missing.errorLines());

        Path notPkcs11 = Files.list(Path.of("/usr/lib/x86_64-linux-gnu")).filter(p -> p.getFileName().toString().startsWith("libz.so."))
                .findFirst().orElseThrow();
        env.put("SEEK_PKCS11_MODULE", notPkcs11.toString());
        var wrongLibrary = login(env);
        assertEquals(4, wrongLibrary.exitCode());
        assertEquals(1, wrongLibrary.errorLines().size(), wrongLibrary.stderr());
        assertTrue(wrongLibrary.errorLines().getFirst().startsWith("client: the PKCS#11 module " + notPkcs11 + " does not load ("),
                wrongLibrary.stderr());
        assertTrue(wrongLibrary.errorLines().getFirst().endsWith("); SEEK_PKCS11_MODULE must name a PKCS#11 library ("
                + Pkcs11Token.MODULES + ")"), wrongLibrary.stderr());

        var unknown = login(hsm.clientEnv("no-such-token"));
        assertEquals(4, unknown.exitCode());
        assertEquals(1, unknown.errorLines().size(), unknown.stderr());
        assertTrue(unknown.errorLines().getFirst().startsWith("client: no PKCS#11 token labelled \"no-such-token\" in " + SoftHsm.MODULE
                + " (it has "), unknown.stderr());
        assertTrue(unknown.errorLines().getFirst().endsWith("; set SEEK_PKCS11_TOKEN to its label"), unknown.stderr());

        var env2 = new HashMap<>(hsm.clientEnv("login"));
        env2.remove("SEEK_PKCS11_MODULE");
        var unset = login(env2);
        assertEquals(4, unset.exitCode());
        assertEquals(List.of("client: --key-store pkcs11 needs SEEK_PKCS11_MODULE, the token's PKCS#11 module (" + Pkcs11Token.MODULES + ")"),
                unset.errorLines());
    }

    @Test
    void twoFirstRunsAtOnceEndWithOneKey() throws Exception {
        var env = hsm.clientEnv("race");
        var pool = Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> shownFingerprint(env, "pkcs11 token \"race\", not extractable"));
            var b = pool.submit(() -> shownFingerprint(env, "pkcs11 token \"race\", not extractable"));
            assertEquals(a.get(), b.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(KEY_LINE, hsm.probe("race").getFirst());
    }

    /** Moving an account from a file key to a token: an admin unbind, then a login with the new store (the README's recipe). */
    @Test
    void aUserBoundWithAFileKeyMeetsAMismatchFromTheTokenAndBindsItAfterUnbind() {
        var withFile = login(Map.of());
        assertEquals(0, withFile.exitCode(), withFile.stderr());
        String fileKey = server.store.findUser("alice").orElseThrow().deviceKey();

        var withToken = login(hsm.clientEnv("move"));
        assertEquals(1, withToken.exitCode());
        assertTrue(withToken.stdout().startsWith("HTTP 403\n") && withToken.stdout().contains("\"code\": \"DEVICE_KEY_MISMATCH\""),
                withToken.stdout());

        assertTrue(server.store.unbind("alice"));
        var moved = login(hsm.clientEnv("move"));
        assertEquals(0, moved.exitCode(), moved.stderr());
        assertTrue(moved.stdout().contains("\"binding\": \"new\""), moved.stdout());
        assertNotEquals(fileKey, server.store.findUser("alice").orElseThrow().deviceKey());
    }

    /** tpm2-pkcs11 through a resource manager, as on a real computer; the key survives a restart of the TPM's processes. */
    @Test
    void logsInWithAKeyInASoftwareTpmAndAgainAfterTheTpmRestarts() {
        try (var tpm = SoftwareTpm.withToken("seek-auth")) {
            var env = tpm.clientEnv("seek-auth");
            var first = login(env);
            assertEquals(0, first.exitCode(), first.stderr());
            assertTrue(first.stdout().contains("\"binding\": \"new\""), first.stdout());

            tpm.restart();
            var again = login(env);
            assertEquals(0, again.exitCode(), again.stderr());
            assertTrue(again.stdout().contains("\"binding\": \"existing\""), again.stdout());
            assertEquals(DeviceKeys.fingerprint(server.store.findUser("alice").orElseThrow().deviceKey()),
                    shownFingerprint(env, "pkcs11 token \"seek-auth\", not extractable"));
            var probe = tpm.probe("seek-auth");
            assertEquals(KEY_LINE, probe.get(0));
            assertEquals(NOT_EXTRACTABLE, probe.get(1));
            assertTrue(probe.get(2).startsWith("value: refused ("), probe.get(2));
        }
    }
}
