// A self-signed certificate kept beside the key: SunPKCS11's KeyStore lists no private key without one.
//DEPS org.bouncycastle:bcpkix-jdk18on:1.82
// The JDK's own PKCS#11 wrapper, only to find the slot whose token has the wanted label: the
// provider's public API selects slots by number, which tokens such as SoftHSM's reassign.
//JAVAC_OPTIONS --add-modules jdk.crypto.cryptoki --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED
//RUNTIME_OPTIONS --add-modules jdk.crypto.cryptoki --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.function.Supplier;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

/**
 * The device key in a PKCS#11 token (contract section 15): a TPM 2.0 through tpm2-pkcs11, a
 * security key's PIV applet, a smart card, or SoftHSM2 to try it. The key pair is made inside
 * the token as a private, sensitive, non-extractable token object labelled
 * {@value #KEY_LABEL}, found by that label on later runs, and every proof is signed inside the
 * token, all through the JDK's SunPKCS11 provider, configured here in code.
 */
public final class Pkcs11Token implements DeviceKeyStore {

    public static final String KEY_LABEL = "seek-auth device key";
    public static final String DEFAULT_TOKEN_LABEL = "seek-auth";
    static final String MODULES = "libtpm2_pkcs11.so.1 for a TPM, opensc-pkcs11.so or libykcs11.so for a security key, libsofthsm2.so to try it";
    private static final String ES256 = "SHA256withECDSAinP1363Format";

    private final Path module;
    private final String tokenLabel;
    private final Supplier<char[]> pin;
    private final Path lockFolder;

    /**
     * @param module the token's PKCS#11 library (SEEK_PKCS11_MODULE)
     * @param tokenLabel the token's label (SEEK_PKCS11_TOKEN, default {@value #DEFAULT_TOKEN_LABEL})
     * @param pin asked for once, when the token needs it; null when there is none to give
     * @param lockFolder the configuration folder, where two first runs at once take turns
     */
    public Pkcs11Token(Path module, String tokenLabel, Supplier<char[]> pin, Path lockFolder) {
        this.module = module;
        this.tokenLabel = tokenLabel;
        this.pin = pin;
        this.lockFolder = lockFolder;
    }

    @Override
    public DeviceKey open(String rawIdentity, Consumer<String> warnings) throws UnusableKeyException {
        Provider provider = provider(slot());
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            DeviceKeyFile.ownerOnlyFolder(lockFolder, warnings);
            // Held from before the token's objects are listed (at login) until the key is made.
            try (var lock = lockFile(lockFolder.resolve("pkcs11.lock")); var held = lock.lock()) {
                KeyStore token = login(provider);
                if (!token.isKeyEntry(KEY_LABEL)) make(provider, token);
                privateKey = (PrivateKey) token.getKey(KEY_LABEL, null);
                publicKey = token.getCertificate(KEY_LABEL).getPublicKey();
            }
        } catch (IOException e) {
            throw new UnusableKeyException("cannot take the lock " + lockFolder.resolve("pkcs11.lock") + " for the token: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UnusableKeyException("the PKCS#11 token \"" + tokenLabel + "\" cannot make or find a P-256 key: " + rootMessage(e));
        }
        if (!(publicKey instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                || DeviceKeys.publicKey(DeviceKeys.point(publicKey)).isEmpty()) {
            throw new UnusableKeyException("the key \"" + KEY_LABEL + "\" in the PKCS#11 token \"" + tokenLabel
                    + "\" is not a P-256 key, so it cannot sign ES256 proofs; remove it, or use another token");
        }
        byte[] point = DeviceKeys.point(publicKey);
        String where = "pkcs11 token \"" + tokenLabel + "\", not extractable";
        return new DeviceKey() {
            @Override public byte[] point() {
                return point.clone();
            }

            @Override public byte[] sign(byte[] message) {
                try {
                    var signer = Signature.getInstance(ES256, provider);
                    signer.initSign(privateKey);
                    signer.update(message);
                    return signer.sign();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("the key in the PKCS#11 token \"" + tokenLabel + "\" cannot sign ES256 proofs: "
                            + rootMessage(e));
                }
            }

            @Override public String where() {
                return where;
            }
        };
    }

    /** Where two first runs take turns, so that they end with one key; it holds nothing, and is made 0600 all the same. */
    private static FileChannel lockFile(Path file) throws IOException {
        var options = java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return FileChannel.open(file, options);
        return FileChannel.open(file, options, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }

    /** The slot whose token has the wanted label. */
    private long slot() throws UnusableKeyException {
        if (!Files.isRegularFile(module)) {
            throw new UnusableKeyException("the PKCS#11 module " + module + " does not exist; set SEEK_PKCS11_MODULE to your token's ("
                    + MODULES + ")");
        }
        try {
            var library = PKCS11.getInstance(module.toString(), "C_GetFunctionList", null, false);
            var labels = new ArrayList<String>();
            for (long slot : library.C_GetSlotList(true)) {
                String label = new String(library.C_GetTokenInfo(slot).label).strip();
                if (label.equals(tokenLabel)) return slot;
                if (!label.isEmpty()) labels.add("\"" + label + "\"");
            }
            throw new UnusableKeyException("no PKCS#11 token labelled \"" + tokenLabel + "\" in " + module
                    + (labels.isEmpty() ? " (it has no initialised token)" : " (it has " + String.join(", ", labels) + ")")
                    + "; set SEEK_PKCS11_TOKEN to its label");
        } catch (IOException | PKCS11Exception | UnsatisfiedLinkError e) {
            throw new UnusableKeyException("the PKCS#11 module " + module + " does not load (" + rootMessage(e)
                    + "); SEEK_PKCS11_MODULE must name a PKCS#11 library (" + MODULES + ")");
        }
    }

    /**
     * SunPKCS11 on that slot. Keys it generates are token objects (not session objects that die
     * with the process), private, sensitive and never extractable, and carry the key's label.
     */
    private Provider provider(long slot) throws UnusableKeyException {
        String label = "0h" + HexFormat.of().formatHex(KEY_LABEL.getBytes(StandardCharsets.UTF_8));
        String config = String.join("\n",
                "--name = seek-auth",
                "library = " + module,
                "slot = " + slot,
                "attributes(generate, CKO_PRIVATE_KEY, CKK_EC) = {",
                "  CKA_TOKEN = true", "  CKA_PRIVATE = true", "  CKA_SENSITIVE = true", "  CKA_EXTRACTABLE = false",
                "  CKA_SIGN = true", "  CKA_LABEL = " + label,
                "}",
                "attributes(generate, CKO_PUBLIC_KEY, CKK_EC) = {",
                "  CKA_TOKEN = true", "  CKA_PRIVATE = false", "  CKA_LABEL = " + label,
                "}", "");
        try {
            return Security.getProvider("SunPKCS11").configure(config);
        } catch (RuntimeException e) {
            throw new UnusableKeyException("the PKCS#11 module " + module + " does not work with the JDK's provider: " + rootMessage(e));
        }
    }

    /** Logs in with the PIN, once: a wrong PIN is not tried again, so the client never runs down the token's retry counter. */
    private KeyStore login(Provider provider) throws UnusableKeyException {
        char[] given = pin.get();
        if (given == null) {
            throw new UnusableKeyException("the PKCS#11 token \"" + tokenLabel + "\" needs its PIN: set SEEK_PKCS11_PIN, or run the client"
                    + " on a terminal to be asked");
        }
        try {
            var token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, given);
            return token;
        } catch (IOException | GeneralSecurityException e) {
            String why = rootMessage(e);
            if (why.contains("CKR_PIN_INCORRECT") || why.contains("CKR_PIN_LEN_RANGE")) {
                throw new UnusableKeyException("the PIN for the PKCS#11 token \"" + tokenLabel + "\" is wrong; it was tried once"
                        + " (so the token's retry counter is not run down): check SEEK_PKCS11_PIN or what you typed");
            }
            if (why.contains("CKR_PIN_LOCKED")) {
                throw new UnusableKeyException("the PKCS#11 token \"" + tokenLabel + "\" has locked its PIN; unblock it with its SO PIN");
            }
            throw new UnusableKeyException("cannot log in to the PKCS#11 token \"" + tokenLabel + "\": " + why);
        } finally {
            java.util.Arrays.fill(given, '\0');
        }
    }

    /** Makes the key pair inside the token, and keeps a self-signed certificate of it beside it under the same label. */
    private static void make(Provider provider, KeyStore token) throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=" + KEY_LABEL);
        var now = new Date();
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, BigInteger.ONE, now,
                new Date(now.getTime() + 100L * 365 * 24 * 3600 * 1000), name, pair.getPublic());
        try {
            var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").setProvider(provider).build(pair.getPrivate());
            var certificate = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(builder.build(signer));
            token.setKeyEntry(KEY_LABEL, pair.getPrivate(), null, new Certificate[] {certificate});
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
