///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS org.junit:junit-bom:6.1.3@pom
//DEPS org.junit.jupiter:junit-jupiter-api
//SOURCES ../common/header/*.java ../common/cli/*.java ../common/accounts/*.java ../common/server/*.java
//SOURCES ../tests/support/PostgresCluster.java
//RUNTIME_OPTIONS -Xmx512m

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Store-only benchmark: /check decisions per second with the password hashing taken out
 * (an Argon2id of 8 KiB and one pass stands in for the real 19 MiB, two passes), on
 * SQLite and on a throwaway PostgreSQL, side by side in one run, each with unsigned
 * (version 1) and signed (version 2) headers. Each decision is what the server does around
 * the hash: read the user, reserve the budgets, settle them, record the check; a signed
 * one also verifies its ES256 proof and records its nonce (the headers are signed before
 * the clock starts: signing is the client's work). Divided by one core's Argon2id rate, it
 * says how many hashing cores one database can keep busy.
 *
 *   ./jbang bench/StoreBench.java [seconds-per-store] [threads]     (default 10 s, 16 threads)
 */
class StoreBench {

    static final int USERS = 200;
    static final String PASSWORD = "bench-Pa55word";

    record Figure(String store, long decisions, double seconds) {
        double perSecond() {
            return decisions / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        Logging.configure(java.util.logging.Level.WARNING);
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;

        var real = new PasswordHasher();
        String realHash = real.hash(PASSWORD);
        int verifies = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 3_000_000_000L) {
            real.verify(PASSWORD, realHash);
            verifies++;
        }
        double verifiesPerCore = verifies / ((System.nanoTime() - start) / 1e9);

        var figures = new ArrayList<Figure>();
        var folder = Files.createTempDirectory("seek-bench");
        try {
            figures.add(run("SQLite", folder.resolve("bench.db").toString(), seconds, threads, false));
            figures.add(run("SQLite", folder.resolve("bench-signed.db").toString(), seconds, threads, true));
        } finally {
            try (var files = Files.list(folder)) {
                for (var file : files.toList()) Files.delete(file);
            }
            Files.delete(folder);
        }
        try (var cluster = PostgresClusterForBench.start()) {
            figures.add(run("PostgreSQL", cluster.newDatabase(), seconds, threads, false));
            figures.add(run("PostgreSQL", cluster.newDatabase(), seconds, threads, true));
        }

        System.out.printf(Locale.ROOT, "%nstore-only decisions, %d threads, %d s each, %d users (Argon2id at full cost: %.1f verifies/s on one core)%n",
                threads, seconds, USERS, verifiesPerCore);
        System.out.printf(Locale.ROOT, "%-19s %14s %16s %24s%n", "store", "decisions/s", "ms per decision", "hashing cores it serves");
        for (var f : figures) {
            System.out.printf(Locale.ROOT, "%-19s %14.0f %16.2f %24.0f%n", f.store(), f.perSecond(), threads * 1000.0 / f.perSecond(),
                    f.perSecond() / verifiesPerCore);
        }
        var json = new StringBuilder("{\"bench\": \"store\", \"threads\": " + threads + ", \"seconds\": " + seconds
                + String.format(Locale.ROOT, ", \"argon2_verifies_per_core\": %.1f", verifiesPerCore));
        for (var f : figures) {
            json.append(String.format(Locale.ROOT, ", \"%s_decisions_per_s\": %.0f",
                    f.store().toLowerCase(Locale.ROOT).replace(", ", "_"), f.perSecond()));
        }
        System.out.println(json.append("}"));
    }

    /** The origin the signed headers name, the server's one public origin here (there is no HTTP in this bench). */
    static final String ORIGIN = "https://auth.example.test";

    /** Signed headers made before a signed run starts, at most: a run ends early if it uses them all. */
    static final int SIGNED_HEADERS = 30_000;

    static Figure run(String storeName, String dbSetting, int seconds, int threads, boolean signed) throws Exception {
        String name = storeName + (signed ? ", signed" : "");
        var cheap = new PasswordHasher(8, 1, 1);
        try (var store = Store.open(dbSetting)) {
            String hash = cheap.hash(PASSWORD);
            for (int i = 0; i < USERS; i++) store.addUser("user" + i, hash);
            var service = new CheckService(store, cheap, new FailureBudgets(store), new HashingGate(threads, threads),
                    java.time.Clock.systemUTC(), CheckRules.DEFAULT.withPublicOrigins(List.of(ORIGIN)));
            var header = new ArrayList<List<String>>();
            for (int i = 0; i < USERS; i++) {
                header.add(List.of(HeaderCodec.encode("user" + i, PASSWORD, String.format("%064x", i))));
            }
            var keys = new ArrayList<java.security.KeyPair>();
            for (int i = 0; i < USERS; i++) keys.add(DeviceKeys.generate());
            var signedHeaders = new ArrayList<List<String>>();
            if (signed) {
                for (int i = 0; i < USERS; i++) header.set(i, sign(HeaderCodec.encode("user" + i, PASSWORD, String.format("%064x", i)), keys.get(i)));
                for (int n = 0; n < SIGNED_HEADERS; n++) {
                    int i = n % USERS;
                    signedHeaders.add(sign(HeaderCodec.encode("user" + i, PASSWORD, String.format("%064x", i)), keys.get(i)));
                }
            }
            for (int i = 0; i < USERS; i++) service.check(header.get(i), "10.0.0." + (i % 250));  // binds every user
            var nextSigned = new java.util.concurrent.atomic.AtomicInteger();

            var decisions = new AtomicLong();
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            long began = System.nanoTime();
            try (var pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        int i = thread;
                        while (System.nanoTime() < deadline) {
                            List<String> value = header.get(i % USERS);
                            if (signed) {
                                int n = nextSigned.getAndIncrement();
                                if (n >= signedHeaders.size()) break;
                                value = signedHeaders.get(n);
                            }
                            // Each user from its own address: no budget is shared.
                            var result = service.check(value, "10.1." + thread + "." + (i % 250));
                            if (!(result instanceof CheckResult.Ok)) throw new IllegalStateException(name + ": " + result);
                            decisions.incrementAndGet();
                            i += threads;
                        }
                        return null;
                    });
                }
            }
            return new Figure(name, decisions.get(), (System.nanoTime() - began) / 1e9);
        }
    }

    static List<String> sign(String credentials, java.security.KeyPair key) {
        return List.of(DeviceProof.signedHeader(credentials, ORIGIN, key, java.time.Instant.now()));
    }

    /** The tests' throwaway cluster, with a clear message where PostgreSQL is missing. */
    static final class PostgresClusterForBench {
        static PostgresCluster start() {
            if (PostgresCluster.binaries().isEmpty()) {
                System.err.println("bench: PostgreSQL is not installed (apt-get install postgresql)");
                System.exit(2);
            }
            return PostgresCluster.startNew();
        }
    }
}
