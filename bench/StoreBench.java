///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS org.junit:junit-bom:6.1.3@pom
//DEPS org.junit.jupiter:junit-jupiter-api
//SOURCES ../common/header/*.java ../common/cli/*.java ../common/accounts/*.java ../common/server/*.java
//SOURCES ../tests/support/PostgresCluster.java
//RUNTIME_OPTIONS -Xmx512m

import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>Here the database, the threads and their ES256 verifies share the machine's cores, so
 * two more figures say what the store itself costs: PostgreSQL's own CPU per decision (its
 * server processes, read from /proc), which is what bounds how many instances one database
 * serves, and the proof checks per second that the threads manage with no store at all,
 * the ceiling of every signed row.
 *
 *   ./jbang bench/StoreBench.java [seconds-per-row] [threads] [before=GIT-REVISION [rounds=N]]
 *
 * (default 10 s, 16 threads). before=REV runs each row against that revision's store and
 * server code (this same file, from a git worktree) and then against this checkout's, each
 * in a process of its own, one after the other, so that both meet the same machine; with
 * rounds=N it does so N times and shows the medians.
 */
class StoreBench {

    static final int USERS = 200;
    static final String PASSWORD = "bench-Pa55word";

    /**
     * dbCpuMillis: the PostgreSQL server's CPU over the run, -1 for SQLite (in this process);
     * proofChecksPerSecond: the ceiling measured beside a signed row, NaN for an unsigned one.
     */
    record Figure(String store, long decisions, double seconds, double dbCpuMillis, double proofChecksPerSecond) {
        double perSecond() {
            return decisions / seconds;
        }

        double dbCpuMsPerDecision() {
            return dbCpuMillis < 0 ? Double.NaN : dbCpuMillis / decisions;
        }

        Figure withProofChecks(double perSecond) {
            return new Figure(store, decisions, seconds, dbCpuMillis, perSecond);
        }
    }

    /** The rows, in the order they run: SQLite and PostgreSQL, unsigned and signed. */
    static final List<String> ROWS = List.of("SQLite", "SQLite, signed", "PostgreSQL", "PostgreSQL, signed");

    public static void main(String[] args) throws Exception {
        Logging.configure(java.util.logging.Level.WARNING);
        var numbers = java.util.Arrays.stream(args).filter(a -> !a.contains("=")).toList();
        int seconds = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 10;
        int threads = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 16;
        var named = new java.util.HashMap<String, String>();
        for (String arg : args) if (arg.contains("=")) named.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));

        if (named.containsKey("row")) {  // one row, for a run that compares revisions
            var figure = runRow(Integer.parseInt(named.get("row")), seconds, threads);
            System.out.println(json(figure));
            return;
        }
        if (named.containsKey("before")) {
            compare(named.get("before"), Integer.parseInt(named.getOrDefault("rounds", "1")), seconds, threads);
            return;
        }
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
        for (int row = 0; row < ROWS.size(); row++) figures.add(runRow(row, seconds, threads));

        System.out.printf(Locale.ROOT, "%nstore-only decisions, %d threads, %d s each, %d users (Argon2id at full cost: %.1f verifies/s on one core)%n",
                threads, seconds, USERS, verifiesPerCore);
        System.out.printf(Locale.ROOT, "%-19s %12s %15s %14s %18s %16s%n", "store", "decisions/s", "ms per decision", "hashing cores",
                "PG CPU ms/decision", "proof checks/s");
        for (var f : figures) {
            System.out.printf(Locale.ROOT, "%-19s %12.0f %15.2f %14.0f %18s %16s%n", f.store(), f.perSecond(), threads * 1000.0 / f.perSecond(),
                    f.perSecond() / verifiesPerCore, shown(f.dbCpuMsPerDecision(), "%.3f"), shown(f.proofChecksPerSecond(), "%.0f"));
        }
        System.out.println("proof checks/s: ES256 proof checks alone on the same threads, with no store: the ceiling of a signed row here");
    }

    /** One row, in this process: its store made afresh (PostgreSQL: a throwaway cluster of its own). */
    static Figure runRow(int row, int seconds, int threads) throws Exception {
        String name = ROWS.get(row);
        boolean signed = name.endsWith("signed");
        double proofChecks = signed ? proofChecksPerSecond(threads) : Double.NaN;
        Figure figure;
        if (name.startsWith("SQLite")) {
            var folder = Files.createTempDirectory("seek-bench");
            try {
                figure = run(name, folder.resolve("bench.db").toString(), seconds, threads, signed, null);
            } finally {
                try (var files = Files.list(folder)) {
                    for (var file : files.toList()) Files.delete(file);
                }
                Files.delete(folder);
            }
        } else {
            try (var cluster = PostgresClusterForBench.start()) {
                figure = run(name, cluster.newDatabase(), seconds, threads, signed, cluster);
            }
        }
        return figure.withProofChecks(proofChecks);
    }

    static String json(Figure f) {
        return String.format(Locale.ROOT, "{\"bench\": \"store\", \"decisions_per_s\": %.1f, \"db_cpu_ms_per_decision\": %.4f,"
                + " \"proof_checks_per_s\": %.1f}", f.perSecond(), f.dbCpuMsPerDecision(), f.proofChecksPerSecond()).replace("NaN", "-1");
    }

    static String shown(double value, String format) {
        return Double.isNaN(value) || Double.isInfinite(value) || value < 0 ? "-" : String.format(Locale.ROOT, format, value);
    }

    /**
     * Each row against another revision's code (this same file, run from a git worktree) and
     * against this checkout's, one after the other, each in a process of its own, for as many
     * rounds as asked; prints the medians side by side.
     */
    static void compare(String revision, int rounds, int seconds, int threads) throws Exception {
        Path tree = Files.createTempDirectory("seek-bench-rev");
        Files.delete(tree);
        if (new ProcessBuilder("git", "worktree", "add", "--detach", tree.toString(), revision).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("git worktree add failed for " + revision);
        }
        Path here = Path.of("").toAbsolutePath();
        try {
            Files.copy(here.resolve("bench/StoreBench.java"), tree.resolve("bench/StoreBench.java"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // A short first run in each place builds the bench and keeps its launch, so both run equally warm.
            for (Path place : List.of(tree, here)) runIn(place, 0, 1, 2);
            var then = new ArrayList<List<double[]>>();
            var now = new ArrayList<List<double[]>>();
            for (int row = 0; row < ROWS.size(); row++) {
                then.add(new ArrayList<>());
                now.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int row = 0; row < ROWS.size(); row++) {
                    then.get(row).add(runIn(tree, row, seconds, threads));
                    now.get(row).add(runIn(here, row, seconds, threads));
                    System.out.printf(Locale.ROOT, "round %d, %s: %.0f before, %.0f today%n", round + 1, ROWS.get(row),
                            then.get(row).getLast()[0], now.get(row).getLast()[0]);
                }
            }
            System.out.printf(Locale.ROOT, "%nstore-only decisions, %d threads, %d s each, %d users; %s against today, medians of %d round(s), each row"
                    + " run before, then today%n", threads, seconds, USERS, revision, rounds);
            System.out.printf(Locale.ROOT, "%-19s %14s %12s %7s %18s %12s %7s %22s%n", "store", "decisions/s " + revision.substring(0, Math.min(7, revision.length())),
                    "today", "ratio", "PG CPU ms/dec. then", "today", "ratio", "proof checks/s then/now");
            for (int row = 0; row < ROWS.size(); row++) {
                double[] a = median(then.get(row));
                double[] b = median(now.get(row));
                System.out.printf(Locale.ROOT, "%-19s %14.0f %12.0f %7.2f %18s %12s %7s %22s%n", ROWS.get(row), a[0], b[0], b[0] / a[0],
                        shown(a[1], "%.3f"), shown(b[1], "%.3f"), a[1] < 0 ? "-" : shown(a[1] / b[1], "%.2f"),
                        a[2] < 0 ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", a[2], b[2]));
            }
            System.out.println("ratios: decisions/s today over before; PostgreSQL's CPU per decision before over today (above 1: cheaper)");
        } finally {
            new ProcessBuilder("git", "worktree", "remove", "--force", tree.toString()).inheritIO().start().waitFor();
        }
    }

    /** One row run by ./jbang in that checkout: decisions/s, PostgreSQL CPU ms per decision, proof checks/s (-1: not measured). */
    static double[] runIn(Path checkout, int row, int seconds, int threads) throws Exception {
        var bench = new ProcessBuilder(checkout.resolve("jbang").toString(), "bench/StoreBench.java", String.valueOf(seconds),
                String.valueOf(threads), "row=" + row).directory(checkout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(bench.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (bench.waitFor() != 0) throw new IllegalStateException("the bench failed in " + checkout + ":\n" + output);
        String json = output.lines().filter(line -> line.startsWith("{\"bench\"")).reduce((a, b) -> b).orElseThrow();
        var field = java.util.regex.Pattern.compile("\"(\\w+)\": (-?[0-9.]+)").matcher(json);
        var values = new java.util.HashMap<String, Double>();
        while (field.find()) values.put(field.group(1), Double.parseDouble(field.group(2)));
        return new double[] {values.get("decisions_per_s"), values.get("db_cpu_ms_per_decision"), values.get("proof_checks_per_s")};
    }

    /** Each column's median over the rounds. */
    static double[] median(List<double[]> rounds) {
        double[] median = new double[rounds.getFirst().length];
        for (int i = 0; i < median.length; i++) {
            int column = i;
            double[] sorted = rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
            median[i] = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        return median;
    }

    /** Proof checks (decode and ES256 verify, as the server does before the store) per second on these threads, with no store at all. */
    static double proofChecksPerSecond(int threads) throws Exception {
        var key = DeviceKeys.generate();
        var headers = new ArrayList<String>();
        for (int i = 0; i < 200; i++) headers.add(sign(HeaderCodec.encode("user" + i, PASSWORD, String.format("%064x", i)), key).getFirst());
        var checks = new AtomicLong();
        long deadline = System.nanoTime() + 3_000_000_000L;
        long began = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = thread; System.nanoTime() < deadline; i += threads) {
                        var signed = (HeaderCodec.Signed) HeaderCodec.decode(headers.get(i % headers.size()));
                        if (signed.proof().problemAt(System.currentTimeMillis(), List.of(ORIGIN), null).isPresent()) {
                            throw new IllegalStateException("the bench's own proof does not check");
                        }
                        checks.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        return checks.get() / ((System.nanoTime() - began) / 1e9);
    }

    /** The origin the signed headers name, the server's one public origin here (there is no HTTP in this bench). */
    static final String ORIGIN = "https://auth.example.test";

    /** Signed headers made before a signed run starts, at most: a run ends early if it uses them all. */
    static final int SIGNED_HEADERS = 30_000;

    static Figure run(String name, String dbSetting, int seconds, int threads, boolean signed, PostgresCluster cluster) throws Exception {
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

            var serverCpu = cluster == null ? null : ServerCpu.of(cluster, dbSetting);
            long cpuBefore = serverCpu == null ? 0 : serverCpu.millis();
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
            double elapsed = (System.nanoTime() - began) / 1e9;
            return new Figure(name, decisions.get(), elapsed, serverCpu == null ? -1 : serverCpu.millis() - cpuBefore, Double.NaN);
        }
    }

    static List<String> sign(String credentials, java.security.KeyPair key) {
        return List.of(DeviceProof.signedHeader(credentials, ORIGIN, key, java.time.Instant.now()));
    }

    /**
     * The CPU time of a PostgreSQL server's processes, from Linux's /proc: the postmaster with
     * the children it has reaped, and every child still running (the pool's backends among them).
     */
    record ServerCpu(long postmaster) {
        static ServerCpu of(PostgresCluster cluster, String url) throws Exception {
            try (var connection = java.sql.DriverManager.getConnection(url);
                 var rows = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
                rows.next();
                return new ServerCpu(Long.parseLong(stat(rows.getLong(1))[3]));  // a backend's parent
            }
        }

        long millis() throws Exception {
            String[] self = stat(postmaster);
            long ticks = Long.parseLong(self[13]) + Long.parseLong(self[14]) + Long.parseLong(self[15]) + Long.parseLong(self[16]);
            try (var processes = Files.list(Path.of("/proc"))) {
                for (var process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String[] child = stat(Long.parseLong(process.getFileName().toString()));
                        if (Long.parseLong(child[3]) == postmaster) ticks += Long.parseLong(child[13]) + Long.parseLong(child[14]);
                    } catch (java.io.IOException gone) {
                        // Ended meanwhile: its time is in the postmaster's reaped children now, or soon.
                    }
                }
            }
            return ticks * 1000 / TICKS_PER_SECOND;
        }

        /** The fields of /proc/PID/stat after the command's name (which may hold spaces), numbered as proc(5) numbers them, from 0. */
        static String[] stat(long pid) throws java.io.IOException {
            String line = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] rest = line.substring(line.lastIndexOf(')') + 2).split(" ");
            String[] fields = new String[rest.length + 2];
            fields[0] = String.valueOf(pid);
            fields[1] = "(comm)";
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return fields;
        }

        static final long TICKS_PER_SECOND = 100;  // USER_HZ, 100 on every Linux this runs on
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
