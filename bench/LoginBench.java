///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../common/header/*.java ../common/cli/*.java ../common/accounts/*.java
// The hash-bound limit is measured in this JVM: a heap and young generation big enough that
// no collection slows its hashes, so the limit is the cores', not a heap's.
//RUNTIME_OPTIONS -Xmx1g -Xmn768m -XX:+UseParallelGC

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Valid logins per second against real server processes, side by side in one run with the
 * hash-bound limit: Argon2id verifies per second in this process, on as many threads as
 * there are cores. The load is spread over 256 users, each from its own machine, device
 * key and (through X-Forwarded-For, believed from loopback) address, so no budget limits
 * it; only answers of 200 count. Each server runs as `./jbang server.java`, with extra JVM
 * options where a row names them; its full collections are read with jstat, and the CPU
 * time of its threads from /proc. The timing starts once the server's JIT has settled, as in
 * a server that has run for a while. The headers are signed before each timed part and sent
 * over plain kept-alive connections, since the load generator shares the cores with the
 * server; its own CPU per login is shown beside.
 *
 *   ./jbang bench/LoginBench.java [seconds] [connections] [label=JVM-OPTIONS ...] [before=GIT-REVISION] [fresh]
 *   (default 15 s, 8 connections; rows: the shipped options with signed headers, then unsigned;
 *   before=REV adds a signed row against that revision's server, run from a git worktree, its
 *   headers signed in the form it knows: section 12's text, before proofs named their origin;
 *   fresh adds two signed rows timed from the server's first answer, with no warm-up: through
 *   the wrapper's kept launch (an AOT cache with profiles on JDK 25) and through JBang, without)
 */
class LoginBench {

    static final int USERS = 256;
    static final String PASSWORD = "bench-login-Pa55word";
    /** Load before the timing, in parts of this length, until the JIT has settled or for at most MAX_WARM_UP_SECONDS. */
    static final int WARM_UP_PART_SECONDS = 5;
    static final int MAX_WARM_UP_SECONDS = 90;
    /** Settled: the server's JIT compiler threads used less than this share of one core over the last part. */
    static final double JIT_SETTLED = 0.02;
    /** The longest stretch of load whose headers are signed before it (proofs are fresh for 60 s). */
    static final int SEGMENT_SECONDS = 10;
    /** How long each measurement of the limit runs, before, between and after the timed parts. */
    static final int LIMIT_SECONDS = 2;

    /** revision: a git revision whose server.java runs this row (from a worktree), or null for this checkout's. */
    record Row(String label, String javaOptions, boolean signed, String revision, boolean fresh) {
        Row(String label, String javaOptions, boolean signed) {
            this(label, javaOptions, signed, null, false);
        }
    }

    record Figure(Row row, int warmUpSeconds, double loginsPerSecond, double limit, long others, String fullGcs, String gcSeconds, long peakRssMiB,
                  double hashCpuMsPerLogin, double otherServerCpuMsPerLogin, double jitCpuMsPerLogin, double benchCpuMsPerLogin) {}

    public static void main(String[] args) throws Exception {
        Logging.configure(java.util.logging.Level.WARNING);
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        var rows = new ArrayList<Row>();
        rows.add(new Row("shipped, signed (v2)", "", true));
        rows.add(new Row("shipped, unsigned (v1)", "", false));
        for (int i = 2; i < args.length; i++) {
            String[] labelled = args[i].split("=", 2);
            if (labelled[0].equals("before")) rows.addFirst(new Row("before " + labelled[1] + ", signed", "", true, labelled[1], false));
            else if (labelled[0].equals("fresh")) {
                // Any --java-options sends the wrapper through JBang, past its kept launch and cache.
                rows.add(new Row("fresh, kept launch", "", true, null, true));
                rows.add(new Row("fresh, through JBang", "-XX:+UseSerialGC", true, null, true));
            } else rows.add(new Row(labelled[0], labelled[1], true));
        }

        Path dir = Files.createTempDirectory("seek-login-bench");
        var keys = new ArrayList<KeyPair>();
        for (int i = 0; i < USERS; i++) keys.add(DeviceKeys.generate());
        double firstLimit = hashLimit(3);  // to size the first warm-up's batches of headers
        var figures = new ArrayList<Figure>();
        for (var row : rows) {
            Path db = dir.resolve("bench-" + figures.size() + ".db");
            // Another revision's server makes its own store, of its own schema; users are added once it has.
            if (row.revision() == null) addUsers(db);
            figures.add(measure(row, db, seconds, connections, firstLimit, keys, dir));
        }

        System.out.printf(Locale.ROOT, "%nvalid logins, %d connections, %d s each, %d users; hash-bound limit in this process, per row:"
                + " Argon2id verifies per second on %d threads, measured (server idle) before, between and after its timed parts%n",
                connections, seconds, USERS, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-24s %7s %7s %7s %8s %8s %6s %8s %12s %12s %11s %12s %s%n", "server", "warm-up", "200s/s", "limit", "of limit", "full GCs",
                "GC s", "peak RSS", "hash ms/200", "rest ms/200", "JIT ms/200", "bench ms/200", "other answers");
        for (int i = 0; i < figures.size(); i++) {
            var f = figures.get(i);
            double limit = f.limit();
            System.out.printf(Locale.ROOT, "%-24s %5d s %7.1f %7.1f %8.2f %8s %6s %4d MiB %12.1f %12.1f %11.1f %12.1f %d%n", f.row().label(),
                    f.warmUpSeconds(), f.loginsPerSecond(), limit, f.loginsPerSecond() / limit, f.fullGcs(), f.gcSeconds(), f.peakRssMiB(),
                    f.hashCpuMsPerLogin(), f.otherServerCpuMsPerLogin(), f.jitCpuMsPerLogin(), f.benchCpuMsPerLogin(), f.others());
        }
        System.out.printf(Locale.ROOT, "in-process: %.1f ms of CPU per hash (mean of the rows' limits); per row, CPU per 200 of the server's"
                + " hashing threads, of the rest of the server, of its JIT compiler threads, and of this load generator%n",
                Runtime.getRuntime().availableProcessors() * 1000 / figures.stream().mapToDouble(Figure::limit).average().orElseThrow());
        for (var row : rows) {
            if (row.revision() != null) new ProcessBuilder("git", "worktree", "remove", "--force", worktree(row.revision(), dir).toString())
                    .inheritIO().start().waitFor();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The bench's users, all with one hash (each verify costs the same), in the store at db, by plain SQL. */
    static void addUsers(Path db) throws Exception {
        if (!Files.exists(db)) Store.open(db.toString()).close();
        String hash = new PasswordHasher().hash(PASSWORD);
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var insert = connection.prepareStatement(
                     "INSERT INTO users (username, password_hash, created_at, password_stamp) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < USERS; i++) {
                insert.setString(1, "user" + i);
                insert.setString(2, hash);
                insert.setString(3, Instant.now().toString());
                insert.setLong(4, i + 1);
                insert.executeUpdate();
            }
        }
    }

    /** A git worktree of this revision beside the bench's files; removed by the caller's cleanup. */
    static Path worktree(String revision, Path dir) throws Exception {
        Path tree = dir.resolve("rev-" + revision.replaceAll("[^A-Za-z0-9]", "_"));
        if (Files.exists(tree)) return tree;
        var git = new ProcessBuilder("git", "worktree", "add", "--detach", tree.toString(), revision).inheritIO().start();
        if (git.waitFor() != 0) throw new IllegalStateException("git worktree add failed for " + revision);
        // A first run there builds the script through JBang; the measured one then runs warm, as the others do.
        new ProcessBuilder(tree.resolve("jbang").toString(), "server.java", "--version").directory(tree.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        return tree;
    }

    /** Argon2id verifies per second on every core, in this process. */
    static double hashLimit(int seconds) throws Exception {
        var hasher = new PasswordHasher();
        String hash = hasher.hash(PASSWORD);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < 10; i++) hasher.verify(PASSWORD, hash);  // compiled before it is timed, as in a warm server
        var done = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long began = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(cores)) {
            for (int t = 0; t < cores; t++) {
                pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        hasher.verify(PASSWORD, hash);
                        done.incrementAndGet();
                    }
                });
            }
        }
        return done.get() / ((System.nanoTime() - began) / 1e9);
    }

    static Figure measure(Row row, Path db, int seconds, int connections, double limit, List<KeyPair> keys, Path dir) throws Exception {
        Path checkout = row.revision() == null ? Path.of("").toAbsolutePath() : worktree(row.revision(), dir);
        // A fresh row's limit cannot be measured while it runs: once before its server starts, once after it.
        double freshLimitBefore = row.fresh() ? hashLimit(LIMIT_SECONDS) : 0;
        var command = new ArrayList<>(List.of(checkout.resolve("jbang").toString()));
        for (String option : row.javaOptions().split("\\s+")) if (!option.isBlank()) command.add("--java-options=" + option);
        command.addAll(List.of("server.java", "--db", db.toString(), "--host", "127.0.0.1", "--port", "0", "--trusted-proxies", "127.0.0.1"));
        Path out = dir.resolve("server.out");
        var server = new ProcessBuilder(command).directory(checkout.toFile())
                .redirectOutput(out.toFile()).redirectError(dir.resolve("server.err").toFile()).start();
        try {
            String line = "";
            for (int i = 0; i < 1200 && !line.contains("listening"); i++) {
                Thread.sleep(100);
                line = Files.exists(out) ? Files.readString(out) : "";
            }
            if (!line.contains("listening")) throw new IllegalStateException("server did not start: " + Files.readString(dir.resolve("server.err")));
            URI check = URI.create(line.lines().findFirst().orElseThrow().strip().replaceFirst(".* listening on ", "") + "/check");
            if (row.revision() != null) addUsers(db);
            long javaPid = javaProcess(server.toHandle());

            var next = new AtomicLong();
            // Not counted: the first half minute or so of a server's life, while the JIT compiles what
            // a login runs (it took up to a sixth of the cores); a long-running server is past it.
            int warmedUp = 0;
            for (double jitShare = 1; !row.fresh() && jitShare >= JIT_SETTLED && warmedUp < MAX_WARM_UP_SECONDS;
                 warmedUp += WARM_UP_PART_SECONDS) {
                var prepared = prepare(row, check, keys, next, (int) (2 * limit * WARM_UP_PART_SECONDS));
                long jitBefore = jitCpuNanos(javaPid);
                load(check, row, keys, connections, WARM_UP_PART_SECONDS, prepared, next, new AtomicLong(), new AtomicLong());
                jitShare = (jitCpuNanos(javaPid) - jitBefore) / 1e9 / WARM_UP_PART_SECONDS;
            }
            String gcBefore = jstat(javaPid);
            var ok = new AtomicLong();
            var others = new AtomicLong();
            double elapsed = 0, serverCpuMs = 0, hashCpuMs = 0, jitCpuMs = 0, benchCpuMs = 0;
            // In parts short enough that every header signed before its part is still fresh when sent,
            // and that the machine's speed, which drifts by a fifth within a minute on a shared
            // machine, is about the same in a part as in the limit measured beside it.
            double limitSum = freshLimitBefore;
            int limitCount = row.fresh() ? 1 : 0;
            for (int left = seconds; left > 0; left -= SEGMENT_SECONDS) {
                int part = Math.min(left, SEGMENT_SECONDS);
                if (!row.fresh()) {  // a fresh row is timed from the first answer on; its limit is measured before and after
                    limitSum += hashLimit(LIMIT_SECONDS);
                    limitCount++;
                }
                var prepared = prepare(row, check, keys, next, (int) (2 * limit * part) + 2 * connections);
                long serverCpuBefore = cpuNanos(javaPid);
                long hashCpuBefore = cpuNanos(javaPid, "seek-hash-");
                long jitCpuBefore = jitCpuNanos(javaPid);
                long benchCpuBefore = cpuNanos(ProcessHandle.current().pid());
                long began = System.nanoTime();
                load(check, row, keys, connections, part, prepared, next, ok, others);
                elapsed += (System.nanoTime() - began) / 1e9;
                serverCpuMs += (cpuNanos(javaPid) - serverCpuBefore) / 1e6;
                hashCpuMs += (cpuNanos(javaPid, "seek-hash-") - hashCpuBefore) / 1e6;
                jitCpuMs += (jitCpuNanos(javaPid) - jitCpuBefore) / 1e6;
                benchCpuMs += (cpuNanos(ProcessHandle.current().pid()) - benchCpuBefore) / 1e6;
            }
            limitSum += hashLimit(LIMIT_SECONDS);
            limitCount++;
            String[] before = gcBefore.split("\\s+");
            String[] after = jstat(javaPid).split("\\s+");
            long peak = peakRssMiB(javaPid);
            return new Figure(row, warmedUp, ok.get() / elapsed, limitSum / limitCount, others.get(), Long.toString(Long.parseLong(after[0]) - Long.parseLong(before[0])),
                    String.format(Locale.ROOT, "%.2f", Double.parseDouble(after[1]) - Double.parseDouble(before[1])), peak,
                    hashCpuMs / Math.max(1, ok.get()), (serverCpuMs - hashCpuMs - jitCpuMs) / Math.max(1, ok.get()),
                    jitCpuMs / Math.max(1, ok.get()), benchCpuMs / Math.max(1, ok.get()));
        } finally {
            server.toHandle().descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A version-2 header signed over section 12's text, which named no origin: what servers before section 14 verify. */
    static String sectionTwelveHeader(String credentials, KeyPair key, Instant now) {
        String point = DeviceKeys.base64url(DeviceKeys.point(key.getPublic()));
        byte[] nonce = new byte[DeviceProof.NONCE_BYTES];
        new java.security.SecureRandom().nextBytes(nonce);
        String time = Long.toString(now.getEpochSecond());
        String text = "seek-auth-proof-v1\nGET /check\n" + time + "\n" + DeviceKeys.base64url(nonce) + "\n" + point + "\n" + credentials;
        byte[] signature = DeviceKeys.sign(key.getPrivate(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.join(".", credentials, point, time, DeviceKeys.base64url(nonce), DeviceKeys.base64url(signature));
    }

    /** One request's headers, made before the timing starts. */
    record Prepared(String header, String forwardedFor) {}

    /**
     * Headers for the next so many checks, signed now: the load generator shares the cores
     * with the server, and signing while timed would take from the server what the figure
     * should measure. Each proof is fresh for the server's 60 s window and has its own nonce.
     */
    static List<Prepared> prepare(Row row, URI check, List<KeyPair> keys, AtomicLong next, int count) {
        String origin = Origin.of(check);
        var prepared = new ArrayList<Prepared>(count);
        for (int i = 0; i < count; i++) {
            int user = (int) (next.getAndIncrement() % USERS);
            String credentials = HeaderCodec.encode("user" + user, PASSWORD, String.format("%064x", user + 1));
            String header = !row.signed() ? credentials
                    : row.revision() != null ? sectionTwelveHeader(credentials, keys.get(user), Instant.now())
                    : DeviceProof.signedHeader(credentials, origin, keys.get(user), Instant.now());
            prepared.add(new Prepared(header, "10.9." + (user / 250) + "." + (user % 250)));
        }
        return prepared;
    }

    /**
     * One kept-alive HTTP/1.1 connection that sends GET /check with the given headers and
     * reads the status line, the head and the body (Content-Length, as the server always
     * sends). The JDK's HttpClient took about 4 ms of CPU a request on the cores the server
     * hashes on; this takes a few hundredths of that.
     */
    static final class Connection implements AutoCloseable {
        private final URI check;
        private java.net.Socket socket;
        private java.io.InputStream in;

        Connection(URI check) {
            this.check = check;
        }

        int get(Prepared request) throws java.io.IOException {
            if (socket == null) {
                socket = new java.net.Socket(check.getHost(), check.getPort());
                socket.setSoTimeout(30_000);
                in = new java.io.BufferedInputStream(socket.getInputStream());
            }
            String head = "GET " + check.getRawPath() + " HTTP/1.1\r\nHost: " + check.getHost() + ":" + check.getPort() + "\r\n"
                    + HeaderCodec.HEADER_NAME + ": " + request.header() + "\r\nX-Forwarded-For: " + request.forwardedFor() + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            long length = 0;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).strip());
                if (lower.startsWith("connection:") && lower.contains("close")) close = true;
            }
            in.skipNBytes(length);
            if (close) close();  // the next request opens a new connection
            return status;
        }

        private String line() throws java.io.IOException {
            var line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) throw new java.io.EOFException("the server closed the connection");
                if (c != '\r') line.append((char) c);
            }
            return line.toString();
        }

        @Override public void close() {
            try {
                if (socket != null) socket.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    /**
     * Valid checks over this many connections for this long, counting 200s and the rest.
     * The headers were signed beforehand (see {@link #prepare}); should the server answer
     * faster than they last, the rest are signed as they are sent.
     */
    static void load(URI check, Row row, List<KeyPair> keys, int connections, int seconds, List<Prepared> prepared,
                     AtomicLong next, AtomicLong ok, AtomicLong others) throws Exception {
        var taken = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < connections; c++) {
                pool.submit(() -> {
                    try (var connection = new Connection(check)) {
                        while (System.nanoTime() < deadline) {
                            int index = (int) taken.getAndIncrement();
                            var request = index < prepared.size() ? prepared.get(index) : prepare(row, check, keys, next, 1).get(0);
                            try {
                                (connection.get(request) == 200 ? ok : others).incrementAndGet();
                            } catch (java.io.IOException | RuntimeException e) {
                                others.incrementAndGet();
                                connection.close();
                            }
                        }
                    }
                    return null;
                });
            }
        }
    }

    /** The java process serving: the wrapper itself when it ran java in its place, else its java child. */
    static long javaProcess(ProcessHandle wrapper) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(wrapper), wrapper.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).reduce((first, last) -> last).orElseThrow();
    }

    /** "FGC FGCT" of jstat -gcutil (the JDK's, beside this java). */
    static String jstat(long pid) throws Exception {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        var process = new ProcessBuilder(jstat.toString(), "-gcutil", Long.toString(pid)).redirectErrorStream(true).start();
        var lines = new String(process.getInputStream().readAllBytes()).strip().lines().toList();
        process.waitFor();
        String[] header = lines.get(0).strip().split("\\s+");
        String[] values = lines.get(lines.size() - 1).strip().split("\\s+");
        int fgc = List.of(header).indexOf("FGC");
        int fgct = List.of(header).indexOf("FGCT");
        return values[fgc] + " " + values[fgct];
    }

    /** User and system CPU time of a process so far, from /proc (the clock ticks are 1/100 s on Linux). */
    static long cpuNanos(long pid) throws Exception {
        return cpuNanos(Path.of("/proc/" + pid + "/stat"));
    }

    /** The same for the threads of a process whose names begin so (the server's hashing pool is "seek-hash-N"). */
    static long cpuNanos(long pid, String threadName) throws Exception {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(threadName)) sum += cpuNanos(task.resolve("stat"));
                } catch (java.io.IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return sum;
    }

    /** The CPU time of HotSpot's compiler threads ("C1 CompilerThre", "C2 CompilerThre"). */
    static long jitCpuNanos(long pid) throws Exception {
        return cpuNanos(pid, "C1 ") + cpuNanos(pid, "C2 ");
    }

    private static long cpuNanos(Path stat) throws java.io.IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    static long peakRssMiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }
}
