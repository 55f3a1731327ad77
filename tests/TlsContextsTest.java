import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's keystore and the client's trusted certificate, from files that keytool makes. */
class TlsContextsTest {

    static final String PASSWORD = "keystore-Pa55";

    @TempDir Path dir;

    static void keytool(String... args) {
        var command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(java.util.List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KS_PASSWORD", PASSWORD);  // never on keytool's command line
        var result = Processes.run(builder, "", 60);
        assertEquals(0, result.exitCode(), result.stdout());
    }

    Path keystoreWithKey() {
        Path keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "seek-auth", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass:env", "KS_PASSWORD", "-keypass:env", "KS_PASSWORD");
        return keystore;
    }

    @Test
    void aKeystoreWithAKeyMakesAContextAndItsCertificateCanBeTrusted() throws Exception {
        Path keystore = keystoreWithKey();
        assertNotNull(TlsContexts.server(keystore, PASSWORD.toCharArray()));
        Path certificate = dir.resolve("server.crt");
        keytool("-exportcert", "-rfc", "-alias", "seek-auth", "-keystore", keystore.toString(), "-storepass:env", "KS_PASSWORD", "-file", certificate.toString());
        assertNotNull(TlsContexts.trusting(certificate));
    }

    @Test
    void aKeystoreHoldingOnlyACertificateIsRefusedInOneLine() {
        Path keystore = keystoreWithKey();
        Path certificate = dir.resolve("server.crt");
        keytool("-exportcert", "-rfc", "-alias", "seek-auth", "-keystore", keystore.toString(), "-storepass:env", "KS_PASSWORD", "-file", certificate.toString());
        Path certificateOnly = dir.resolve("certificate-only.p12");
        keytool("-importcert", "-noprompt", "-alias", "seek-auth", "-file", certificate.toString(), "-keystore", certificateOnly.toString(),
                "-storetype", "PKCS12", "-storepass:env", "KS_PASSWORD");
        var e = assertThrows(TlsContexts.TlsSetupException.class, () -> TlsContexts.server(certificateOnly, PASSWORD.toCharArray()));
        assertEquals("TLS keystore " + certificateOnly + " holds no private key, only certificates (make one with keytool -genkeypair,"
                + " see the README)", e.getMessage());
    }

    @Test
    void aWrongPasswordOrAMissingFileIsNamed() {
        Path keystore = keystoreWithKey();
        var wrong = assertThrows(TlsContexts.TlsSetupException.class, () -> TlsContexts.server(keystore, "not-it".toCharArray()));
        assertTrue(wrong.getMessage().startsWith("cannot open TLS keystore " + keystore), wrong.getMessage());
        var missing = assertThrows(TlsContexts.TlsSetupException.class, () -> TlsContexts.server(dir.resolve("none.p12"), PASSWORD.toCharArray()));
        assertEquals("cannot open TLS keystore " + dir.resolve("none.p12") + ": no such file", missing.getMessage());
    }
}
