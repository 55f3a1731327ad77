//DEPS com.password4j:password4j:1.8.4
// libargon2 (the reference C code, shipped for Linux, macOS and Windows) through JNA.
//DEPS de.mkammerer:argon2-jvm:2.12

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id password hashes as PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash").
 * The parameters are set explicitly: password4j's default memory is below OWASP's minimum.
 *
 * <p>Hashes run in libargon2 (argon2-jvm) where its native library loads, and in password4j
 * otherwise; both read and write the same PHC strings. libargon2 keeps its 19 MiB outside
 * the Java heap and frees it at once, where password4j allocates it afresh on the heap for
 * every hash: in the server's small heap that garbage cost a third of the logins in
 * collections (bench/LoginBench.java). password4j also reads the parameters of a stored
 * hash, for {@link #needsRehash}.
 */
public final class PasswordHasher {

    /** OWASP's minimum for Argon2id: 19 MiB of memory, 2 iterations, 1 lane. */
    public static final int MEMORY_KIB = 19456;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;
    private static final int HASH_BYTES = 32;
    private static final int SALT_BYTES = 16;

    /** The Argon2id code that hashes and verifies. */
    interface Engine {
        String hash(String password, int memoryKib, int iterations, int parallelism);

        /** Throws a RuntimeException for a value that is not a readable Argon2 PHC string. */
        boolean verify(String password, String phc);
    }

    /** libargon2 through argon2-jvm; UTF-8 bytes of the password, as password4j hashes them. */
    static final class NativeEngine implements Engine {
        private final de.mkammerer.argon2.Argon2 argon2 =
                de.mkammerer.argon2.Argon2Factory.create(de.mkammerer.argon2.Argon2Factory.Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);

        @Override public String hash(String password, int memoryKib, int iterations, int parallelism) {
            return argon2.hash(iterations, memoryKib, parallelism, password.toCharArray(), java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override public boolean verify(String password, String phc) {
            if (!phc.startsWith("$argon2id$")) throw new IllegalArgumentException("not an Argon2id PHC string");
            return argon2.verify(phc, password.toCharArray(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** password4j, in Java. */
    static final class JavaEngine implements Engine {
        @Override public String hash(String password, int memoryKib, int iterations, int parallelism) {
            var function = Argon2Function.getInstance(memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
            return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
        }

        @Override public boolean verify(String password, String phc) {
            return Password.check(password, phc).with(Argon2Function.getInstanceFromHash(phc));
        }
    }

    /** libargon2 where its native library loads here, password4j otherwise. */
    static Engine bestEngine() {
        try {
            var engine = new NativeEngine();
            engine.verify("probe", engine.hash("probe", 8, 1, 1));
            return engine;
        } catch (LinkageError | RuntimeException noNativeLibrary) {
            return new JavaEngine();
        }
    }

    /** Chosen once per process, when the first hasher is made (the JVM runs this holder's initialiser once). */
    private static final class SharedEngine {
        static final Engine INSTANCE = bestEngine();
    }

    /** null until first needed: then the engine chosen for this process (tests give their own). */
    private volatile Engine engine;
    private final Argon2Function argon2;
    /**
     * A hash of a random password, made when first needed: unknown users are verified against
     * it, so they cost the same time. The server makes it at start ({@link #ready}); the admin
     * CLI, which never verifies, never pays for it.
     */
    private volatile String dummyHash;

    public PasswordHasher() {
        this(MEMORY_KIB, ITERATIONS, PARALLELISM);
    }

    /** Other parameters exist for tests of re-hashing; production code uses the defaults. */
    PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this(null, memoryKib, iterations, parallelism);
    }

    PasswordHasher(Engine engine, int memoryKib, int iterations, int parallelism) {
        this.engine = engine;
        this.argon2 = Argon2Function.getInstance(memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
    }

    private Engine engine() {
        Engine chosen = engine;
        if (chosen == null) engine = chosen = SharedEngine.INSTANCE;
        return chosen;
    }

    private String dummyHash() {
        String made = dummyHash;
        if (made == null) {
            synchronized (this) {
                if ((made = dummyHash) == null) {
                    byte[] random = new byte[24];
                    new SecureRandom().nextBytes(random);
                    dummyHash = made = hash(Base64.getEncoder().encodeToString(random));
                }
            }
        }
        return made;
    }

    /** Loads the engine and makes the dummy hash now, so that no request pays for them. */
    public PasswordHasher ready() {
        dummyHash();
        return this;
    }

    /** Whether this process's hashes run in password4j, whose memory blocks are on the Java heap. */
    public static boolean hashesOnTheHeap() {
        return SharedEngine.INSTANCE instanceof JavaEngine;
    }

    /** Which Argon2 code runs: "libargon2" or "password4j". */
    public String engineName() {
        return engine() instanceof NativeEngine ? "libargon2" : "password4j";
    }

    /** A PHC string for this (already NFC-normalised) password, with a fresh random salt. */
    public String hash(String password) {
        return engine().hash(password, argon2.getMemory(), argon2.getIterations(), argon2.getParallelism());
    }

    /**
     * Whether the password matches the stored hash. With no stored hash (an unknown
     * user) it verifies against the dummy hash and answers false. A stored value that
     * is not a readable Argon2 PHC string never matches.
     */
    public boolean verify(String password, String storedHash) {
        if (storedHash == null) {
            engine().verify(password, dummyHash());
            return false;
        }
        try {
            return engine().verify(password, storedHash);
        } catch (RuntimeException unreadableHash) {
            engine().verify(password, dummyHash());
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
