import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client's work through its entry point, with injected input and machine identity, against a real server. */
class DesktopClientTest {

    static final String PASSWORD = "client-Pa55 word";
    static final String THIS_COMPUTER = "11112222333344445555666677778888";
    static final String OTHER_COMPUTER = "99990000aaaabbbbccccddddeeeeffff";

    @RegisterExtension final TestServer server = TestServer.inTempDir().withUser("alice", PASSWORD);
    @TempDir java.nio.file.Path keyFolder;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void noPasswordShown() {
        assertFalse(out.toString(StandardCharsets.UTF_8).contains(PASSWORD));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains(PASSWORD));
    }

    DesktopClient client(String stdin, String rawIdentity) {
        return client(stdin, Optional.empty(), FakeSystem.withIdentity(rawIdentity));
    }

    DesktopClient client(String stdin, Optional<Terminal> terminal, RawMachineIdentity.SystemAccess identity) {
        return client(stdin, terminal, identity, keyFolder);
    }

    DesktopClient client(String stdin, Optional<Terminal> terminal, RawMachineIdentity.SystemAccess identity, java.nio.file.Path keys) {
        return new DesktopClient(new BufferedReader(new StringReader(stdin)), terminal,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), identity,
                DeviceKeyStore.sealedFile(keys));
    }

    String base() {
        return server.check.resolve("/").toString();
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void successPrintsStatusAndBodyAndExits0() {
        assertEquals(0, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check(base(), null));
        assertEquals("HTTP 200\n{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"new\"}\n", stdout());
        assertEquals("", stderr());
        assertEquals(MachineId.derive(THIS_COMPUTER), server.store.findUser("alice").orElseThrow().machineId());
    }

    @Test
    void windowsLineEndingsAreFine() {
        assertEquals(0, client("alice\r\n" + PASSWORD + "\r\n", THIS_COMPUTER).check(base(), null));
    }

    @Test
    void wrongPasswordExits1() {
        assertEquals(1, client("alice\nnot-the-password\n", THIS_COMPUTER).check(base(), null));
        assertTrue(stdout().startsWith("HTTP 401\n{\"type\": \"about:blank\""), stdout());
        assertTrue(stdout().contains("INVALID_CREDENTIALS"));
    }

    @Test
    void anotherComputerGets403AndExits1(@TempDir java.nio.file.Path otherComputersFolder) {
        assertEquals(0, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check(base(), null));
        out.reset();
        assertEquals(1, client("alice\n" + PASSWORD + "\n", Optional.empty(), FakeSystem.withIdentity(OTHER_COMPUTER), otherComputersFolder)
                .check(base(), null));
        assertTrue(stdout().startsWith("HTTP 403\n"), stdout());
        assertTrue(stdout().contains("USER_BOUND_TO_OTHER_MACHINE"));
    }

    @Test
    void unreachableServerExits3WithOneLine() throws Exception {
        int freePort;
        try (var socket = new java.net.ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        assertEquals(3, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check("http://127.0.0.1:" + freePort, null));
        assertEquals("client: cannot reach http://127.0.0.1:" + freePort + "/check: connection refused\n", stderr());
        assertEquals("", stdout());
    }

    @Test
    void malformedInputExits2() {
        record Case(String stdin, String message) {}
        for (var c : List.of(
                new Case("", "client: no username given (first line of standard input)\n"),
                new Case("alice\n", "client: no password given (second line of standard input)\n"),
                new Case("\nsecret\n", "client: username is empty\n"),
                new Case("al ice\nsecret\n", "client: username contains a character outside A-Z a-z 0-9 . _ @ -\n"),
                new Case("alice\n\n", "client: password is empty\n"),
                new Case("alice\n" + "p".repeat(1025) + "\n", "client: password is longer than 1024 UTF-8 bytes\n"))) {
            err.reset();
            assertEquals(2, client(c.stdin(), THIS_COMPUTER).check(base(), null), c.stdin());
            assertEquals(c.message(), stderr());
        }
        assertEquals("", stdout(), "nothing was sent");
        assertTrue(server.logLines().stream().noneMatch(l -> l.contains("decision=")));
    }

    @Test
    void badServerUrlExits2() {
        assertEquals(2, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check("localhost:8080", null));
        assertEquals("client: --server must be an http:// or https:// URL with a host, not localhost:8080\n", stderr());
    }

    @Test
    void noMachineIdentityExits4AndSendsNothing() {
        var none = new FakeSystem();  // no file, no command answers: no identity on any system
        assertEquals(4, client("alice\n" + PASSWORD + "\n", Optional.empty(), none).check(base(), null));
        assertTrue(stderr().startsWith("client: no usable machine identity: "), stderr());
        assertEquals(1, stderr().lines().count(), stderr());
        assertEquals(4, client("", Optional.empty(), none).showMachineId());
    }

    @Test
    void onATerminalItPromptsAndReadsThePasswordWithoutEcho() {
        var terminal = ScriptedTerminal.answering("alice", PASSWORD);
        assertEquals(0, client("", Optional.of(terminal), FakeSystem.withIdentity(THIS_COMPUTER)).check(base(), null));
        assertEquals(List.of("Username: ", "no-echo Password: "), terminal.prompts);
    }

    @Test
    void onATerminalABadUsernameIsRefusedAtOnceAndAskedAgain() {
        var terminal = ScriptedTerminal.answering("", "bad name", "alice", PASSWORD);
        assertEquals(0, client("", Optional.of(terminal), FakeSystem.withIdentity(THIS_COMPUTER)).check(base(), null));
        assertEquals(List.of("Username: ", "Username: ", "Username: ", "no-echo Password: "), terminal.prompts);
        assertEquals(List.of("username is empty; try again, or Ctrl-D to quit",
                "username contains a character outside A-Z a-z 0-9 . _ @ -; try again, or Ctrl-D to quit"), terminal.told);
    }

    @Test
    void onATerminalCtrlDAtUsernameEndsAtOnce() {
        var terminal = ScriptedTerminal.answering((String) null);
        assertEquals(2, client("", Optional.of(terminal), FakeSystem.withIdentity(THIS_COMPUTER)).check(base(), null));
        assertEquals(List.of("Username: "), terminal.prompts, "the password is not asked for");
        assertEquals("client: no username given\n", stderr());
    }

    @Test
    void pipedInputWithABadUsernameStopsBeforeThePassword() {
        assertEquals(2, client("bad name\n" + PASSWORD + "\n", THIS_COMPUTER).check(base(), null));
        assertEquals("client: username contains a character outside A-Z a-z 0-9 . _ @ -\n", stderr());
    }

    /** A server of the test's own that answers each request with the next of these (status, Retry-After[, body]). */
    static com.sun.net.httpserver.HttpServer scriptedServer(List<String[]> answers, List<String> seen) throws Exception {
        var http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        var next = new java.util.concurrent.atomic.AtomicInteger();
        http.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI().getPath());
            String[] answer = answers.get(Math.min(next.getAndIncrement(), answers.size() - 1));
            if (answer[1] != null) exchange.getResponseHeaders().add("Retry-After", answer[1]);
            String text = answer.length > 2 ? answer[2] : "{\"answer\": " + answer[0] + "}";
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        return http;
    }

    @Test
    void aShortRetryAfterIsWaitedOutOnceAndALongOneIsNot() throws Exception {
        var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var http = scriptedServer(List.of(new String[] {"429", "1"}, new String[] {"200", null}), seen);
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort();
            long start = System.nanoTime();
            assertEquals(0, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check(url, null));
            assertTrue(System.nanoTime() - start >= 1_000_000_000L, "waited the second it was asked to");
            assertEquals(List.of("/check", "/check"), seen);
            assertEquals("HTTP 200\n{\"answer\": 200}\n", stdout());
        } finally {
            http.stop(0);
        }

        var seenLong = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var slow = scriptedServer(List.<String[]>of(new String[] {"429", "3"}), seenLong);
        try {
            assertEquals(1, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check("http://127.0.0.1:" + slow.getAddress().getPort(), null));
            assertEquals(1, seenLong.size(), "a wait longer than 2 s reaches the user");
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void aHostileServersEscapeSequencesArePrintedEscaped() throws Exception {
        String hostile = "{\"detail\": \"\u001b]0;pwned\u0007\u001b[2J\rline\u009b31m\"}\n\tindented";
        var http = scriptedServer(List.<String[]>of(new String[] {"401", null, hostile}), new java.util.ArrayList<>());
        try {
            assertEquals(1, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check("http://127.0.0.1:" + http.getAddress().getPort(), null));
        } finally {
            http.stop(0);
        }
        assertEquals("HTTP 401\n{\"detail\": \"\\u001b]0;pwned\\u0007\\u001b[2J\\u000dline\\u009b31m\"}\n\tindented\n", stdout());
    }

    @Test
    void plainHttpToAnotherHostIsWarnedAboutAndLoopbackIsNot() {
        client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check(base(), null);
        assertEquals("", stderr(), "loopback: no warning");
        client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check("http://no-such-host.invalid", null);
        assertTrue(stderr().startsWith("client: warning: the password goes to no-such-host.invalid unencrypted over http://; use https://\n"),
                stderr());
        assertTrue(DesktopClient.isLoopback("localhost") && DesktopClient.isLoopback("127.1.2.3") && DesktopClient.isLoopback("[::1]"));
        assertFalse(DesktopClient.isLoopback("10.0.0.1") || DesktopClient.isLoopback("localhost.example.com"));
    }

    @Test
    void theRetryIsOnlyOnce() throws Exception {
        var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var http = scriptedServer(List.<String[]>of(new String[] {"429", "0"}), seen);
        try {
            assertEquals(1, client("alice\n" + PASSWORD + "\n", THIS_COMPUTER).check("http://127.0.0.1:" + http.getAddress().getPort(), null));
            assertEquals(2, seen.size());
            assertTrue(stdout().startsWith("HTTP 429\n"), stdout());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void showMachineIdPrintsTheDerivedIdAndTheKeysFingerprintMakingTheKeyOnce() throws Exception {
        assertEquals(0, client("", THIS_COMPUTER).showMachineId());
        var key = DeviceKeyFile.loadOrCreate(keyFolder, THIS_COMPUTER, warning -> {});
        String fingerprint = DeviceKeys.fingerprint(DeviceKeys.point(key.getPublic()));
        String where = " (file " + keyFolder.resolve("device-key") + ")";
        assertEquals(MachineId.derive(THIS_COMPUTER) + "\nkey SHA256:" + fingerprint + where + "\n", stdout());
        assertEquals(43, fingerprint.length(), "base64url of 32 bytes, no padding");
        out.reset();
        assertEquals(0, client("", THIS_COMPUTER).showMachineId());
        assertEquals(MachineId.derive(THIS_COMPUTER) + "\nkey SHA256:" + fingerprint + where + "\n", stdout(), "the same key the next time");
    }

    /** The seam: the client asks a key store for the point and for signatures, whatever holds the key. */
    @Test
    void aKeyThatCannotSignIsOneLineAndExit4WithNothingSent() {
        var point = DeviceKeys.point(DeviceKeys.generate().getPublic());
        DeviceKeyStore refusing = (raw, warnings) -> new DeviceKey() {
            @Override public byte[] point() {
                return point;
            }

            @Override public byte[] sign(byte[] message) {
                throw new IllegalStateException("the key in the PKCS#11 token \"t\" cannot sign ES256 proofs: CKR_MECHANISM_INVALID");
            }

            @Override public String where() {
                return "pkcs11 token \"t\", not extractable";
            }
        };
        var client = new DesktopClient(new BufferedReader(new StringReader("alice\n" + PASSWORD + "\n")), Optional.empty(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                FakeSystem.withIdentity(THIS_COMPUTER), refusing);
        assertEquals(4, client.check(base(), null));
        assertEquals("client: the key in the PKCS#11 token \"t\" cannot sign ES256 proofs: CKR_MECHANISM_INVALID\n",
                err.toString(StandardCharsets.UTF_8));
        assertEquals("", stdout());
        assertFalse(server.store.findUser("alice").orElseThrow().isBound(), "nothing reached the server");
    }

    @Test
    void serverPathPrefixIsKept() {
        assertEquals("http://h:1/check", DesktopClient.checkUri("http://h:1").toString());
        assertEquals("http://h:1/check", DesktopClient.checkUri("http://h:1/").toString());
        assertEquals("https://h/auth/check", DesktopClient.checkUri("https://h/auth/").toString());
        assertEquals("http://h:1/check", DesktopClient.checkUri("http://h:1/check").toString(), "the endpoint's own URL works too");
        assertEquals("http://h:1/check", DesktopClient.checkUri("http://h:1/check/").toString());
        var query = assertThrows(IllegalArgumentException.class, () -> DesktopClient.checkUri("http://h:1/?x=1"));
        assertTrue(query.getMessage().startsWith("--server takes the server's base URL"), query.getMessage());
    }
}
