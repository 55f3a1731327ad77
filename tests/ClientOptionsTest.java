import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's command line (contract section 6): flags beat the environment, and a stray value is never echoed. */
class ClientOptionsTest {

    static ClientOptions parse(Map<String, String> env, String... args) throws ClientOptions.UsageException {
        return ClientOptions.parse(args, env::get);
    }

    static String usageError(String... args) {
        return assertThrows(ClientOptions.UsageException.class, () -> ClientOptions.parse(List.of(args))).getMessage();
    }

    @Test
    void defaultsThenTheEnvironmentThenFlagsInEitherForm() throws Exception {
        assertEquals(new ClientOptions("http://localhost:8080", null, "file", false, false, false), parse(Map.of()));
        var env = Map.of("SEEK_SERVER", "https://env.example", "SEEK_TRUST_CERT", "/env.crt", "SEEK_KEY_STORE", "pkcs11");
        assertEquals(new ClientOptions("https://env.example", Path.of("/env.crt"), "pkcs11", false, false, false), parse(env));
        assertEquals(new ClientOptions("https://flag.example", Path.of("/flag.crt"), "file", true, false, false),
                parse(env, "--server", "https://flag.example", "--trust-cert=/flag.crt", "--key-store=file", "--show-machine-id"));
        assertTrue(parse(Map.of(), "-h").help());
        assertTrue(parse(Map.of(), "--version").version());
    }

    @Test
    void badCommandLinesAreOneLineThatNeverShowsAValue() {
        assertEquals("unknown option --machine-id; 1 unexpected argument (not shown) (see --help)",
                usageError("--machine-id", "0".repeat(64)));
        assertEquals("unknown option --password=... (see --help)", usageError("--password=hunter2-secret"));
        assertEquals("2 unexpected arguments (not shown) (see --help)", usageError("alice", "hunter2-secret"));
        assertEquals("--server needs a value (see --help)", usageError("--server"));
        assertEquals("--show-machine-id takes no value (see --help)", usageError("--show-machine-id=yes"));
    }
}
