import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The device key on disk (contract section 8): the file {@code device-key} in the user's
 * configuration folder, made on first use, holding the public point in the clear and the
 * private key sealed with AES-256-GCM under HKDF-SHA256 of the raw OS identity. A copy on
 * another computer, or a damaged file, does not open; it is never replaced silently.
 *
 * <pre>
 * seek-auth device key v1
 * public BASE64URL(65-byte point)
 * salt BASE64URL(16 bytes, HKDF's salt)
 * sealed BASE64URL(12-byte GCM nonce || AES-GCM(PKCS#8 private key), the point as associated data)
 * </pre>
 */
public final class DeviceKeyFile {

    public static final String FILE_NAME = "device-key";
    static final String FORMAT = "seek-auth device key v1";
    static final String HKDF_INFO = "seek-auth device key v1";
    private static final int SALT_BYTES = 16;
    private static final int GCM_NONCE_BYTES = 12;
    private static final int GCM_TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceKeyFile() {}

    /**
     * The device key in this folder, made (with the folder) when there is none yet. The folder
     * and the file must be this user's own; modes that let others in are narrowed first, and
     * each narrowing is told to warnings in one line (contract section 14).
     */
    public static KeyPair loadOrCreate(Path folder, String rawIdentity, Consumer<String> warnings) throws UnusableKeyException {
        Path file = folder.resolve(FILE_NAME);
        keepPrivate(folder, "rwx------", "folder", warnings);
        if (Files.exists(file)) {
            keepPrivate(file, "rw-------", "file", warnings);
            return open(file, rawIdentity);
        }
        KeyPair made = DeviceKeys.generate();
        try {
            return create(folder, made, rawIdentity) ? made : open(file, rawIdentity);
        } catch (IOException e) {
            throw new UnusableKeyException("cannot write the device key " + file + ": " + reason(e));
        }
    }

    /** Opens the key file with this computer's raw identity. */
    static KeyPair open(Path file, String rawIdentity) throws UnusableKeyException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UnusableKeyException("cannot read the device key " + file + ": " + reason(e));
        }
        try {
            if (lines.size() != 4 || !lines.get(0).equals(FORMAT)) throw new IllegalArgumentException("not a device key file");
            byte[] point = field(lines.get(1), "public");
            byte[] salt = field(lines.get(2), "salt");
            byte[] sealed = field(lines.get(3), "sealed");
            if (point.length != DeviceKeys.POINT_BYTES || point[0] != 0x04) throw new IllegalArgumentException("no public key");
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealingKey(rawIdentity, salt), new GCMParameterSpec(GCM_TAG_BITS, sealed, 0, GCM_NONCE_BYTES));
            cipher.updateAAD(point);
            byte[] pkcs8 = cipher.doFinal(sealed, GCM_NONCE_BYTES, sealed.length - GCM_NONCE_BYTES);
            // The point is the sealed key's associated data: it opened, so the point is the one we made.
            var publicKey = DeviceKeys.ownPublicKey(point);
            var privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new KeyPair(publicKey, privateKey);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            String why = e instanceof AEADBadTagException ? "it was sealed on another computer, or it is damaged" : "it is damaged";
            throw new UnusableKeyException("the device key " + file + " does not open on this computer (" + why
                    + "); remove it to make a new key, which an admin then binds anew with `useradmin unbind`");
        }
    }

    /** Seals the key into a new file; false when another run made the file first (its key is the one to use). */
    static boolean create(Path folder, KeyPair key, String rawIdentity) throws IOException {
        ownerOnlyFolder(folder);
        byte[] point = DeviceKeys.point(key.getPublic());
        byte[] salt = random(SALT_BYTES);
        byte[] nonce = random(GCM_NONCE_BYTES);
        byte[] sealed;
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey(rawIdentity, salt), new GCMParameterSpec(GCM_TAG_BITS, nonce));
            cipher.updateAAD(point);
            byte[] ciphertext = cipher.doFinal(key.getPrivate().getEncoded());
            sealed = ByteBuffer.allocate(nonce.length + ciphertext.length).put(nonce).put(ciphertext).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES-GCM", e);
        }
        String text = FORMAT + "\npublic " + DeviceKeys.base64url(point) + "\nsalt " + DeviceKeys.base64url(salt)
                + "\nsealed " + DeviceKeys.base64url(sealed) + "\n";
        return publishOnce(folder.resolve(FILE_NAME), text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Writes the whole file under a temporary name (0600 from the start), then links it into
     * place, which fails if the file exists: two first runs at once agree on one key, and no
     * reader ever sees half a file.
     */
    private static boolean publishOnce(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling(FILE_NAME + ".new-" + Long.toHexString(RANDOM.nextLong()));
        try {
            var options = java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (var channel = posix(file) ? FileChannel.open(temporary, options, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))) : FileChannel.open(temporary, options)) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            if (posix(file)) Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.createLink(file, temporary);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(temporary, file);  // no replace: fails, like the link, if the file exists
            }
            return true;
        } catch (FileAlreadyExistsException anotherRunWasFirst) {
            return false;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The folder, made 0700 whatever the umask; an existing one must be this user's, and is narrowed to 0700 (said to warnings). */
    static void ownerOnlyFolder(Path folder, Consumer<String> warnings) throws IOException, UnusableKeyException {
        keepPrivate(folder, "rwx------", "folder", warnings);
        ownerOnlyFolder(folder);
    }

    /** The folder, made 0700 whatever the umask; an existing one is narrowed to 0700 too. */
    private static void ownerOnlyFolder(Path folder) throws IOException {
        Files.createDirectories(folder.toAbsolutePath().getParent());
        if (!posix(folder)) {
            Files.createDirectories(folder);
            return;
        }
        var ownerOnly = PosixFilePermissions.fromString("rwx------");
        try {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(ownerOnly));
        } catch (FileAlreadyExistsException exists) {
            // Ours from an earlier run, or made by hand: narrowed below all the same.
        }
        Files.setPosixFilePermissions(folder, ownerOnly);
    }

    /**
     * Refuses a device-key file or folder that another user owns (they could have planted a key,
     * or read ours), and narrows modes that let other users read or change it.
     */
    static void keepPrivate(Path path, String wantedMode, String kind, Consumer<String> warnings) throws UnusableKeyException {
        if (!posix(path) || !Files.exists(path)) return;
        try {
            int owner = (Integer) Files.getAttribute(path, "unix:uid");
            long me = new com.sun.security.auth.module.UnixSystem().getUid();
            if (owner != me) {
                throw new UnusableKeyException("the device key " + kind + " " + path + " belongs to another user (uid " + owner
                        + ", not " + me + "), so it is not used; remove it, or give it back with chown");
            }
            var mode = Files.getPosixFilePermissions(path);
            var wanted = PosixFilePermissions.fromString(wantedMode);
            if (!wanted.containsAll(mode)) {
                Files.setPosixFilePermissions(path, wanted);
                warnings.accept("the device key " + kind + " " + path + " let other users in (" + PosixFilePermissions.toString(mode)
                        + "); narrowed it to " + wantedMode);
            }
        } catch (IOException e) {
            throw new UnusableKeyException("cannot check the device key " + kind + " " + path + ": " + reason(e));
        }
    }

    /** AES-256 key = HKDF-SHA256(input = the raw OS identity, salt, info = HKDF_INFO). */
    private static SecretKeySpec sealingKey(String rawIdentity, byte[] salt) {
        return new SecretKeySpec(Hkdf.sha256(rawIdentity.trim().getBytes(StandardCharsets.UTF_8), salt,
                HKDF_INFO.getBytes(StandardCharsets.UTF_8), 32), "AES");
    }

    private static byte[] field(String line, String name) {
        if (!line.startsWith(name + " ")) throw new IllegalArgumentException("no " + name + " line");
        return Base64.getUrlDecoder().decode(line.substring(name.length() + 1));
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or folder";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
