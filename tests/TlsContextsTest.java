import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's keystore and the client's trusted certificate, from files that keytool makes. */
class TlsContextsTest {

    static final String PASSWORD = "keystore-Pa55";

    /** One keystore with a key, its certificate, and one with the certificate alone: made once, read by every test. */
    @TempDir static Path dir;
    static Path keystore;
    static Path certificate;
    static Path certificateOnly;

    @org.junit.jupiter.api.BeforeAll
    static void makeFiles() {
        keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "seek-auth", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass:env", "KS_PASSWORD", "-keypass:env", "KS_PASSWORD");
        certificate = dir.resolve("server.crt");
        keytool("-exportcert", "-rfc", "-alias", "seek-auth", "-keystore", keystore.toString(), "-storepass:env", "KS_PASSWORD", "-file", certificate.toString());
        certificateOnly = dir.resolve("certificate-only.p12");
        keytool("-importcert", "-noprompt", "-alias", "seek-auth", "-file", certificate.toString(), "-keystore", certificateOnly.toString(),
                "-storetype", "PKCS12", "-storepass:env", "KS_PASSWORD");
    }

    static void keytool(String... args) {
        var command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(java.util.List.of(args));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KS_PASSWORD", PASSWORD);  // never on keytool's command line
        var result = Processes.run(builder, "", 60);
        assertEquals(0, result.exitCode(), result.stdout());
    }

    @Test
    void aKeystoreWithAKeyMakesAContextAndItsCertificateCanBeTrusted() throws Exception {
        assertNotNull(TlsContexts.server(keystore, PASSWORD.toCharArray()));
        assertNotNull(TlsContexts.trusting(certificate));
    }

    @Test
    void aKeystoreHoldingOnlyACertificateIsRefusedInOneLine() {
        var e = assertThrows(TlsContexts.TlsSetupException.class, () -> TlsContexts.server(certificateOnly, PASSWORD.toCharArray()));
        assertEquals("TLS keystore " + certificateOnly + " holds no private key, only certificates (make one with keytool -genkeypair,"
                + " see the README)", e.getMessage());
    }

    @Test
    void aWrongPasswordOrAMissingFileIsNamed() {
        var wrong = assertThrows(TlsContexts.TlsSetupException.class, () -> TlsContexts.server(keystore, "not-it".toCharArray()));
        assertTrue(wrong.getMessage().startsWith("cannot open TLS keystore " + keystore), wrong.getMessage());
        var missing = assertThrows(TlsContexts.TlsSetupException.class, () -> TlsContexts.server(dir.resolve("none.p12"), PASSWORD.toCharArray()));
        assertEquals("cannot open TLS keystore " + dir.resolve("none.p12") + ": no such file", missing.getMessage());
    }
}
