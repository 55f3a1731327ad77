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
}
