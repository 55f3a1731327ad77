import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapper's warm fast path, with the real JBang: a kept launch runs without JBang,
 * never runs stale code, passes everything through, and a broken entry is rebuilt.
 */
class LaunchCacheTest {

    @TempDir Path dir;
    Path project;
    Path cache;

    @BeforeEach
    void setUp() throws Exception {
        project = Files.createDirectories(dir.resolve("project/.jbang-wrapper")).getParent();
        Files.copy(Processes.ROOT.resolve("jbang"), project.resolve("jbang"));
        project.resolve("jbang").toFile().setExecutable(true);
        Files.copy(Processes.ROOT.resolve(".jbang-wrapper/jbang-cli.sha256"), project.resolve(".jbang-wrapper/jbang-cli.sha256"));
        Files.writeString(project.resolve("hello.java"), """
                //SOURCES lib/*.java
                class hello {
                    public static void main(String[] args) throws Exception {
                        StringBuilder out = new StringBuilder(Greeting.WORD);
                        for (String arg : args) out.append(" [").append(arg).append("]");
                        System.out.println(out);
                        String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
                        if (line != null) System.out.println("stdin: " + line);
                        System.exit(args.length);
                    }
                }
                """);
        Files.createDirectories(project.resolve("lib"));
        Files.writeString(project.resolve("lib/Greeting.java"), "class Greeting { static final String WORD = \"one\"; }\n");
        cache = dir.resolve("cache");
        restoreJbang();
    }

    /**
     * Where the wrapper that started this test run keeps JBang's jars: found the way the wrapper
     * finds it, from SEEK_JBANG_CACHE, XDG_CACHE_HOME or HOME. Not from the JVM's user.home,
     * which Java takes from the password database: under HOME=$(mktemp -d), as on a first run
     * on a fresh machine, that folder is another one, with no jars or stale ones in it.
     */
    static Path runningWrappersJars() {
        String cache = System.getenv("SEEK_JBANG_CACHE");
        if (cache == null || cache.isEmpty()) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            String home = System.getenv("HOME");
            Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg)
                    : Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home"), ".cache");
            cache = base.resolve("seek-auth").toString();
        }
        return Path.of(cache, "jbang-0.132.1");
    }

    /** The wrapper's cache with JBang's jars in it, copied from this run's. */
    void restoreJbang() throws Exception {
        Path jars = runningWrappersJars();
        try (var files = Files.list(jars)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(files.anyMatch(f -> f.toString().endsWith(".jar")),
                    "JBang was not fetched by the wrapper (an installed jbang runs the tests): no jars in " + jars);
        } catch (java.nio.file.NoSuchFileException e) {
            org.junit.jupiter.api.Assumptions.abort("JBang was not fetched by the wrapper (an installed jbang runs the tests): no " + jars);
        }
        Path target = Files.createDirectories(cache.resolve("jbang-0.132.1"));
        try (var files = Files.list(jars)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, target.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Without JBang's jars, and with no repository to fetch them from: only a kept launch can run. */
    void removeJbang() throws Exception {
        try (var files = Files.walk(cache.resolve("jbang-0.132.1"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    Processes.Result hello(String stdin, String... args) {
        var command = new java.util.ArrayList<>(List.of(project.resolve("jbang").toString(), "hello.java"));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().putAll(Map.of("SEEK_JBANG_CACHE", cache.toString(), "SEEK_MAVEN_REPO", "http://127.0.0.1:9/none",
                "PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home")));
        return Processes.run(builder, stdin, 120);
    }

    @Test
    void aKeptLaunchRunsWithoutJbangAndAnEditedSourceIsNeverServedStale() throws Exception {
        var first = hello("");
        assertEquals("one\n", first.stdout(), "the first run asks JBang and keeps the launch; exit " + first.exitCode() + ", " + first.stderr());
        removeJbang();
        var warm = hello("");
        assertEquals(0, warm.exitCode(), warm.stderr());
        assertEquals("one\n", warm.stdout(), "the second run needs no JBang");

        Files.writeString(project.resolve("lib/Greeting.java"), "class Greeting { static final String WORD = \"two\"; }\n");
        var edited = hello("");
        assertNotEquals(0, edited.exitCode(), "an edited source misses the kept launch, and JBang is not there to build it");
        assertFalse(edited.stdout().contains("one"), "the old code did not run: " + edited.stdout());
        restoreJbang();
        assertEquals("two\n", hello("").stdout(), "rebuilt with the edit");
        removeJbang();
        assertEquals("two\n", hello("").stdout(), "and kept again");
        try (var files = Files.list(cache.resolve("launch"))) {
            var entries = files.map(f -> f.getFileName().toString()).filter(name -> !name.endsWith(".jsa") && !name.endsWith(".owner") && !name.contains(".aot")).toList();
            assertEquals(1, entries.size(), "the launch of the sources before the edit, and its archive, are gone: " + entries);
        }
    }

    @Test
    void argumentsStandardInputAndTheExitStatusPassThroughTheFastPath() throws Exception {
        hello("");
        removeJbang();
        var result = hello("typed line\n", "a b", "", "q\"uo'te", "$HOME", "`x`", "");
        assertEquals("one [a b] [] [q\"uo'te] [$HOME] [`x`] []\nstdin: typed line\n", result.stdout(), result.stderr());
        assertEquals(6, result.exitCode());
    }

    @Test
    void aHalfWrittenOrCorruptEntryIsIgnoredAndRebuilt() throws Exception {
        hello("");
        Path launches = cache.resolve("launch");
        Path entry;
        try (var files = Files.list(launches)) {
            entry = files.filter(f -> !f.toString().endsWith(".jsa") && !f.toString().endsWith(".owner") && !f.toString().contains(".aot"))
                    .findFirst().orElseThrow();
        }
        String whole = Files.readString(entry);
        Files.writeString(entry, whole.substring(0, whole.length() / 2));
        assertEquals("one\n", hello("").stdout(), "a half-written entry is rebuilt by JBang");
        assertEquals(whole, Files.readString(entry));

        Files.writeString(entry, whole.replace("hello", "evil"));
        assertEquals("one\n", hello("").stdout(), "an entry that fails its own checksum is not trusted");
        assertEquals(whole, Files.readString(entry));
    }

    /**
     * On JDK 25 and later the kept launch records what a run loads, assembles an AOT cache from
     * that on the next run, and maps it on the runs after; none of it shows in the output, and
     * nothing is left running once a run has ended.
     */
    @Test
    void onJdk25AKeptLaunchMakesAnAotCacheAsideAndUsesItQuietly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 25, "AOT caches need JDK 25; JDK 21 keeps the class-data archive");
        assertEquals("one\n", hello("").stdout(), "the first run records, silently");
        removeJbang();
        var second = hello("");
        assertEquals("one\n", second.stdout(), second.stderr());
        assertEquals("", second.stderr(), "the assembly says nothing");
        Path launches = cache.resolve("launch");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (var files = Files.list(launches)) {
                if (files.anyMatch(f -> f.toString().endsWith(".aot"))) break;
            }
            assertTrue(System.nanoTime() < deadline, "no AOT cache after the second run");
            Thread.sleep(100);
        }
        var third = hello("typed\n", "x");
        assertEquals("one [x]\nstdin: typed\n", third.stdout(), third.stderr());
        assertEquals("", third.stderr());
        try (var files = Files.list(launches)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(name -> name.contains(".aotconf")).toList(),
                    "the record is gone once used");
        }
    }
}
