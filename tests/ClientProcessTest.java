import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `./jbang client.java` as a real process, with this computer's real identity, against a real server. */
class ClientProcessTest {

    static final String PASSWORD = "process-Pa55";

    @TempDir Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(dir.resolve("p.db"));
        server.addUser("alice", PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Processes.Result client(String stdin, String... args) {
        var command = new java.util.ArrayList<String>(List.of("client.java"));
        command.addAll(List.of(args));
        return Processes.run(Processes.jbang(Map.of(), command.toArray(String[]::new)), stdin, 120);
    }

    String base() {
        return server.check.resolve("/").toString();
    }

    @Test
    void bindsThisComputerAndExits0() throws Exception {
        var result = client("alice\n" + PASSWORD + "\n", "--server", base());
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("HTTP 200\n{\"status\": \"OK\", \"username\": \"alice\", \"binding\": \"new\"}\n", result.stdout());
        assertEquals(MachineId.ofThisMachine(), server.store.findUser("alice").orElseThrow().machineId());
        assertFalse(result.stdout().contains(PASSWORD) || result.stderr().contains(PASSWORD));
    }

    @Test
    void serverFromTheEnvironmentAndWrongPasswordExits1() {
        var result = Processes.run(Processes.jbang(Map.of("SEEK_SERVER", base()), "client.java"), "alice\nwrong-password\n", 120);
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
    void emptyInputExits2() {
        var result = client("", "--server", base());
        assertEquals(2, result.exitCode());
        assertEquals(List.of("client: no username given (first line of standard input)"), result.errorLines());
    }

    @Test
    void showMachineIdPrintsThisComputersId() throws Exception {
        var result = client("", "--show-machine-id");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(MachineId.ofThisMachine() + "\n", result.stdout());
    }

    @Test
    void thereIsNoWayToSetTheMachineIdFromTheCommandLine() {
        var result = client("", "--machine-id", "0".repeat(64));
        assertEquals(2, result.exitCode());
        assertEquals(List.of("client: unknown option --machine-id; 1 unexpected argument (not shown) (see --help)"), result.errorLines());
    }
}
