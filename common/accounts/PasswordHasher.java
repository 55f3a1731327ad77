//DEPS com.password4j:password4j:1.8.4

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id password hashes as PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
 * The parameters are set explicitly: password4j's default memory is below OWASP's minimum.
 */
public final class PasswordHasher {

    /** OWASP's minimum for Argon2id: 19 MiB of memory, 2 iterations, 1 lane. */
    public static final int MEMORY_KIB = 19456;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;
    private static final int HASH_BYTES = 32;
    private static final int SALT_BYTES = 16;

    private final Argon2Function argon2;
    /** A hash of a random password: unknown users are verified against it, so they cost the same time. */
    private final String dummyHash;

    public PasswordHasher() {
        this(MEMORY_KIB, ITERATIONS, PARALLELISM);
    }

    /** Other parameters exist for tests of re-hashing; production code uses the defaults. */
    PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.argon2 = Argon2Function.getInstance(memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.dummyHash = hash(Base64.getEncoder().encodeToString(random));
    }

    /** A PHC string for this (already NFC-normalised) password, with a fresh random salt. */
    public String hash(String password) {
        return Password.hash(password).addRandomSalt(SALT_BYTES).with(argon2).getResult();
    }

    /**
     * Whether the password matches the stored hash. With no stored hash (an unknown
     * user) it verifies against the dummy hash and answers false. A stored value that
     * is not a readable Argon2 PHC string never matches.
     */
    public boolean verify(String password, String storedHash) {
        if (storedHash == null) {
            Password.check(password, dummyHash).with(argon2);
            return false;
        }
        try {
            return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
        } catch (RuntimeException unreadableHash) {
            Password.check(password, dummyHash).with(argon2);
            return false;
        }
    }

    /** Whether a stored hash was made with weaker parameters than the current ones. */
    public boolean needsRehash(String storedHash) {
        try {
            Argon2Function used = Argon2Function.getInstanceFromHash(storedHash);
            return used.getVariant() != Argon2.ID
                    || used.getMemory() < argon2.getMemory()
                    || used.getIterations() < argon2.getIterations()
                    || used.getParallelism() < argon2.getParallelism()
                    || used.getVersion() < argon2.getVersion();
        } catch (RuntimeException unreadableHash) {
            return false;
        }
    }
}
