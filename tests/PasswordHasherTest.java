import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    static final PasswordHasher HASHER = new PasswordHasher();

    @Test
    void hashIsAnArgon2idPhcStringWithOwaspMinimumParameters() {
        String hash = HASHER.hash("correct horse");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertFalse(hash.contains("correct horse"));
    }

    @Test
    void saltsDiffer() {
        assertNotEquals(HASHER.hash("same"), HASHER.hash("same"));
    }

    @Test
    void verifiesOnlyTheRightPassword() {
        String hash = HASHER.hash("correct horse");
        assertTrue(HASHER.verify("correct horse", hash));
        assertFalse(HASHER.verify("correct horsE", hash));
        assertFalse(HASHER.verify("", hash));
    }

    @Test
    void unknownUserAndUnreadableHashNeverVerify() {
        assertFalse(HASHER.verify("anything", null));
        assertFalse(HASHER.verify("anything", "not-a-phc-string"));
    }

    @Test
    void weakerParametersNeedARehash() {
        var weak = new PasswordHasher(15360, 2, 1);  // password4j's own default memory
        String weakHash = weak.hash("pw");
        assertTrue(HASHER.verify("pw", weakHash), "old hashes still verify");
        assertTrue(HASHER.needsRehash(weakHash));
        assertFalse(HASHER.needsRehash(HASHER.hash("pw")));
        assertTrue(HASHER.needsRehash(new PasswordHasher(19456, 1, 1).hash("pw")));
    }

    @Test
    void theNativeCodeRunsHereAndBothEnginesReadEachOthersHashes() {
        assertEquals("libargon2", HASHER.engineName(), "argon2-jvm ships libargon2 for this platform");
        var nativeHasher = new PasswordHasher(new PasswordHasher.NativeEngine(), 19456, 2, 1);
        var javaHasher = new PasswordHasher(new PasswordHasher.JavaEngine(), 19456, 2, 1);
        String password = "pässwörd: ünïcode 42";
        String byNative = nativeHasher.hash(password);
        String byJava = javaHasher.hash(password);
        assertTrue(byNative.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), byNative);
        assertTrue(javaHasher.verify(password, byNative));
        assertTrue(nativeHasher.verify(password, byJava));
        assertFalse(javaHasher.verify(password + "x", byNative));
        assertFalse(nativeHasher.verify(password + "x", byJava));
        assertFalse(nativeHasher.verify(password, "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"));
    }
}
