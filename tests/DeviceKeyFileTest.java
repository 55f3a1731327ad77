import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sealed device key on disk (contract section 8): made once, owner-only, opening only on its own computer. */
class DeviceKeyFileTest {

    static final String THIS_COMPUTER = "11112222333344445555666677778888";
    static final String OTHER_COMPUTER = "99990000aaaabbbbccccddddeeeeffff";

    @TempDir Path home;
    /** What the key file's checks told the user, one line each. */
    final java.util.List<String> warnings = new ArrayList<>();

    Path folder() {
        return home.resolve(".config").resolve("seek-auth");
    }

    static String fingerprint(java.security.KeyPair key) {
        return DeviceKeys.fingerprint(DeviceKeys.point(key.getPublic()));
    }

    @Test
    void theFirstUseMakesTheKeyAndLaterUsesOpenTheSameOne() throws Exception {
        var made = DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        var opened = DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        assertEquals(made.getPublic(), opened.getPublic());
        assertArrayEquals(made.getPrivate().getEncoded(), opened.getPrivate().getEncoded());
        byte[] message = "anything".getBytes();
        assertTrue(DeviceKeys.verifies(made.getPublic(), message, DeviceKeys.sign(opened.getPrivate(), message)), "a working pair");
    }

    @Test
    void theFolderIs0700AndTheFile0600WhateverTheUmask() throws Exception {
        Files.createDirectories(home.resolve(".config"));
        DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder().resolve("device-key"))));
        try (var files = Files.list(folder())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void theFileHoldsNoPrivateKeyInTheClear() throws Exception {
        var key = DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        String text = Files.readString(folder().resolve("device-key"));
        assertTrue(text.startsWith("seek-auth device key v1\npublic " + DeviceKeys.base64url(DeviceKeys.point(key.getPublic())) + "\n"), text);
        String pkcs8 = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key.getPrivate().getEncoded());
        assertFalse(text.contains(pkcs8.substring(pkcs8.length() - 40)), "the private key is sealed");
        assertFalse(text.contains(THIS_COMPUTER));
    }

    @Test
    void aCopyDoesNotOpenOnAnotherComputerAndIsNeverReplaced() throws Exception {
        DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        byte[] before = Files.readAllBytes(folder().resolve("device-key"));
        var e = assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(folder(), OTHER_COMPUTER, warnings::add));
        assertEquals("the device key " + folder().resolve("device-key") + " does not open on this computer (it was sealed on another"
                + " computer, or it is damaged); remove it to make a new key, which an admin then binds anew with `useradmin unbind`",
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(folder().resolve("device-key")), "left as it was");
    }

    @Test
    void aTamperedFileIsRefused() throws Exception {
        var original = DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        Path file = folder().resolve("device-key");
        var lines = new ArrayList<>(Files.readAllLines(file));

        // Another public key beside the sealed private key: the associated data no longer matches.
        lines.set(1, "public " + DeviceKeys.base64url(DeviceKeys.point(DeviceKeys.generate().getPublic())));
        Files.write(file, lines);
        assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add));

        // One flipped bit in the sealed part.
        lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, "public " + DeviceKeys.base64url(DeviceKeys.point(original.getPublic())));
        String sealed = lines.get(3);
        char last = sealed.charAt(sealed.length() - 5);
        lines.set(3, sealed.substring(0, sealed.length() - 5) + (last == 'A' ? 'B' : 'A') + sealed.substring(sealed.length() - 4));
        Files.write(file, lines);
        var e = assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add));
        assertTrue(e.getMessage().contains("does not open on this computer"), e.getMessage());

        Files.writeString(file, "garbage\n");
        e = assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add));
        assertTrue(e.getMessage().contains("(it is damaged); remove it to make a new key"), e.getMessage());
        assertEquals("garbage\n", Files.readString(file), "never replaced silently");
    }

    @Test
    void concurrentFirstRunsAgreeOnOneKey() throws Exception {
        var tasks = new ArrayList<Callable<String>>();
        for (int i = 0; i < 8; i++) tasks.add(() -> fingerprint(DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add)));
        var fingerprints = new HashSet<String>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (var f : pool.invokeAll(tasks)) fingerprints.add(f.get());
        }
        assertEquals(1, fingerprints.size(), fingerprints.toString());
        assertEquals(fingerprints.iterator().next(), fingerprint(DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add)));
    }

    @Test
    void anUnwritableFolderIsOneLine() throws Exception {
        Path file = home.resolve("not-a-folder");
        Files.writeString(file, "");
        var e = assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(file.resolve("seek-auth"), THIS_COMPUTER, warnings::add));
        assertTrue(e.getMessage().startsWith("cannot write the device key " + file.resolve("seek-auth").resolve("device-key") + ": "), e.getMessage());
    }

    @Test
    void laxModesOfTheFileAndFolderAreNarrowedWithOneLineEach() throws Exception {
        DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        assertEquals(java.util.List.of(), warnings, "nothing to say about modes it made itself");
        Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(folder().resolve("device-key"), PosixFilePermissions.fromString("rw-rw-r--"));

        DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder().resolve("device-key"))));
        assertEquals(java.util.List.of(
                "the device key folder " + folder() + " let other users in (rwxr-xr-x); narrowed it to rwx------",
                "the device key file " + folder().resolve("device-key") + " let other users in (rw-rw-r--); narrowed it to rw-------"),
                warnings);
        warnings.clear();
        DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        assertEquals(java.util.List.of(), warnings, "said once, when narrowed");
    }

    /** As root (as CI runs), hand the file or the folder to "nobody": it must not be used. */
    @Test
    void aFileOrFolderOwnedByAnotherUserIsRefusedAndLeftAsItIs() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "giving a file to another user (chown) needs root; CI runs as root");
        var nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        var key = DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add);
        Path file = folder().resolve("device-key");

        Files.setOwner(file, nobody);
        var e = assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add));
        assertTrue(e.getMessage().startsWith("the device key file " + file + " belongs to another user (uid "), e.getMessage());
        assertTrue(e.getMessage().endsWith("so it is not used; remove it, or give it back with chown"), e.getMessage());
        assertEquals(nobody, Files.getOwner(file), "left as it is");

        Files.setOwner(file, Files.getOwner(home));
        Files.setOwner(folder(), nobody);
        e = assertThrows(UnusableKeyException.class, () -> DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add));
        assertTrue(e.getMessage().startsWith("the device key folder " + folder() + " belongs to another user"), e.getMessage());

        Files.setOwner(folder(), Files.getOwner(home));
        assertEquals(fingerprint(key), fingerprint(DeviceKeyFile.loadOrCreate(folder(), THIS_COMPUTER, warnings::add)), "given back, it opens");
    }
}
