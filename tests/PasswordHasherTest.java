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

    /** Counts what it is asked to do, and does it in libargon2. */
    static final class CountingEngine implements PasswordHasher.Engine {
        final PasswordHasher.Engine real = new PasswordHasher.NativeEngine();
        final java.util.concurrent.atomic.AtomicInteger hashes = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger verifies = new java.util.concurrent.atomic.AtomicInteger();

        @Override public String hash(String password, int memoryKib, int iterations, int parallelism) {
            hashes.incrementAndGet();
            return real.hash(password, memoryKib, iterations, parallelism);
        }

        @Override public boolean verify(String password, String phc) {
            verifies.incrementAndGet();
            return real.verify(password, phc);
        }
    }

    @Test
    void theDummyHashIsMadeOnceWhenFirstNeededOrWhenMadeReady() {
        var engine = new CountingEngine();
        var hasher = new PasswordHasher(engine, 8, 1, 1);
        hasher.hash("only a hash");
        assertEquals(1, engine.hashes.get(), "hashing a new password (the admin CLI) makes no dummy hash");
        assertFalse(hasher.verify("anything", null));
        assertFalse(hasher.verify("anything", null));
        assertEquals(2, engine.hashes.get(), "the dummy hash is made once, for the first unknown user");
        assertEquals(2, engine.verifies.get());

        var server = new CountingEngine();
        var ready = new PasswordHasher(server, 8, 1, 1).ready();
        assertEquals(1, server.hashes.get(), "made at start");
        assertFalse(ready.verify("anything", "not-a-phc-string"));
        assertEquals(1, server.hashes.get(), "no request pays for it");
    }
}
