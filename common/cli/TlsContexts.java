import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** SSL contexts from files made with keytool: the server's PKCS#12 keystore, the client's trusted certificate. */
public final class TlsContexts {

    /** A file could not be read or is not what it should be; the message says which and why. */
    public static final class TlsSetupException extends Exception {
        TlsSetupException(String message) {
            super(message);
        }
    }

    private TlsContexts() {}

    public static SSLContext server(Path keystore, char[] password) throws TlsSetupException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            if (!hasPrivateKey(store)) {
                // Java would start with it, and every handshake would then fail.
                throw new TlsSetupException("TLS keystore " + keystore + " holds no private key, only certificates"
                        + " (make one with keytool -genkeypair, see the README)");
            }
            var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new TlsSetupException("cannot open TLS keystore " + keystore + ": " + reason(e));
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot use TLS keystore " + keystore + ": " + reason(e));
        }
    }

    /** Trusts exactly the certificate(s) in this PEM or DER file, e.g. a self-signed server certificate. */
    public static SSLContext trusting(Path certificate) throws TlsSetupException {
        try (InputStream in = Files.newInputStream(certificate)) {
            var certificates = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) throw new TlsSetupException("no certificate in " + certificate);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (var cert : certificates) trusted.setCertificateEntry("cert-" + i++, cert);
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new TlsSetupException("cannot open certificate " + certificate + ": " + reason(e));
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot use certificate " + certificate + ": " + reason(e));
        }
    }

    private static boolean hasPrivateKey(KeyStore store) throws java.security.KeyStoreException {
        for (var aliases = store.aliases(); aliases.hasMoreElements(); ) {
            if (store.isKeyEntry(aliases.nextElement())) return true;
        }
        return false;
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e.getCause() instanceof java.security.UnrecoverableKeyException) return "wrong password";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
