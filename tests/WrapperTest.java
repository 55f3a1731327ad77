import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./jbang wrapper's bootstrap, hermetically: a copy of the real script with its
 * own pinned list, fetching a stand-in "JBang" jar from a local Maven repository.
 * The stand-in speaks the launcher protocol: for "run" it prints a printf command
 * line and exits 255, as JBang does; anything else it prints and exits 0.
 */
class WrapperTest {

    static final String JAR_PATH = "dev/jbang/jbang-cli/0.132.1/jbang-cli-0.132.1.jar";

    @TempDir Path dir;
    Path project;
    Path cache;
    HttpServer repo;
    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    byte[] jar;

    @BeforeEach
    void setUp() throws Exception {
        jar = fakeJbangJar();
        project = Files.createDirectories(dir.resolve("project/.jbang-wrapper")).getParent();
        Files.copy(Processes.ROOT.resolve("jbang"), project.resolve("jbang"));
        project.resolve("jbang").toFile().setExecutable(true);
        Files.writeString(project.resolve(".jbang-wrapper/jbang-cli.sha256"), "# test list\n" + sha256(jar) + "  " + JAR_PATH + "\n");
        cache = dir.resolve("cache");
        served.put("/maven2/" + JAR_PATH, jar);
        repo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        repo.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getPath());
            byte[] body = served.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) exchange.getResponseBody().write(body);
            exchange.close();
        });
        repo.start();
    }

    @AfterEach
    void tearDown() {
        repo.stop(0);
    }

    Processes.Result wrapper(String... args) {
        return wrapper(Map.of("JBANG_DIR", dir.resolve("jbang-home").toString()), args);
    }

    Processes.Result wrapper(Map<String, String> extraEnv, String... args) {
        var builder = new ProcessBuilder(new java.util.ArrayList<>(List.of(project.resolve("jbang").toString()))).directory(project.toFile());
        builder.command().addAll(List.of(args));
        var env = builder.environment();
        env.put("PATH", "/usr/bin:/bin");  // no installed jbang to hand over to
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SEEK_JBANG_CACHE", cache.toString());
        env.put("SEEK_MAVEN_REPO", "http://127.0.0.1:" + repo.getAddress().getPort() + "/maven2/");
        env.remove("JBANG_DIR");
        env.putAll(extraEnv);
        return Processes.run(builder, "", 60);
    }

    Path cachedJar() {
        return cache.resolve("jbang-0.132.1/jbang-cli-0.132.1.jar");
    }

    @Test
    void firstRunFetchesAndVerifiesLaterRunsStayOffline() throws Exception {
        var first = wrapper("--version");
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals("fake-jbang --version\n", first.stdout());
        assertTrue(first.stderr().startsWith("Fetching JBang 0.132.1 from http://127.0.0.1:"), first.stderr());
        assertArrayEquals(jar, Files.readAllBytes(cachedJar()));

        repo.stop(0);  // no repository any more: a second run must not need one
        requests.clear();
        var second = wrapper("--version");
        assertEquals(0, second.exitCode(), second.stderr());
        assertEquals("", second.stderr(), "silent after bootstrapping");
    }

    @Test
    void aCorruptedCachedJarIsRefetchedNotRun() throws Exception {
        assertEquals(0, wrapper("--version").exitCode());
        Files.write(cachedJar(), "tampered".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        requests.clear();

        var result = wrapper("--version");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of("/maven2/" + JAR_PATH), requests);
        assertArrayEquals(jar, Files.readAllBytes(cachedJar()));
    }

    @Test
    void onlyThePinnedJarsRunNotOthersLeftInTheCache() throws Exception {
        assertEquals(0, wrapper("--version").exitCode());
        Files.write(cachedJar().resolveSibling("planted.jar"), plantedJar());
        var result = wrapper("--version");
        assertEquals("fake-jbang --version\n", result.stdout(), result.stderr());
    }

    @Test
    void aDownloadWithTheWrongChecksumIsDeletedAndStops() throws Exception {
        served.put("/maven2/" + JAR_PATH, "not the pinned jar".getBytes(StandardCharsets.UTF_8));
        var result = wrapper("--version");
        assertEquals(1, result.exitCode());
        assertEquals("", result.stdout(), "nothing ran");
        var lines = result.stderr().lines().toList();
        assertEquals(2, lines.size(), result.stderr());  // the progress line, then the error
        assertTrue(lines.get(1).startsWith("jbang wrapper: checksum mismatch for " + JAR_PATH + " (expected " + sha256(jar)), lines.get(1));
        assertFalse(Files.exists(cachedJar()));
        try (var left = Files.list(cache.resolve("jbang-0.132.1"))) {
            assertEquals(List.of(), left.toList(), "no partial download left behind");
        }
    }

    @Test
    void argumentsStdinAndExitStatusPassThroughTheLauncherProtocol() {
        var result = wrapper("run", "a b", "", "q\"uo'te", "$HOME", "`x`", "");
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("[a b][][q\"uo'te][$HOME][`x`][]", result.stdout());
        assertEquals(7, wrapper("exit7").exitCode());
    }

    @Test
    void theJdkIsLinkedOnceUnderHomeEvenWhenHomeIsNotThePasswordDatabasesHome() throws Exception {
        Path home = Files.createDirectories(dir.resolve("another-home"));
        assertNotEquals(home.toString(), System.getProperty("user.home"));
        for (int run = 0; run < 3; run++) assertEquals(0, wrapper(Map.of("HOME", home.toString()), "--version").exitCode());
        try (var links = Files.list(home.resolve(".jbang/cache/jdks"))) {
            assertEquals(1, links.count(), "JBang and the wrapper agree on the home folder");
        }
        assertEquals("install\n", Files.readString(home.resolve("jdk-installs.log")), "linked on the first run only");
    }

    /** A jar whose dev.jbang.Main mimics JBang's launcher protocol closely enough for the wrapper. */
    byte[] fakeJbangJar() throws Exception {
        Path src = Files.createDirectories(dir.resolve("fake/src/dev/jbang"));
        Files.writeString(src.resolve("Main.java"), """
                package dev.jbang;
                public class Main {
                    public static void main(String[] args) {
                        if (args.length > 0 && args[0].equals("run")) {
                            StringBuilder command = new StringBuilder("printf '[%s]'");
                            for (int i = 1; i < args.length; i++) command.append(' ').append(quote(args[i]));
                            System.out.print(command);
                            System.exit(255);
                        }
                        if (args.length > 0 && args[0].equals("exit7")) System.exit(7);
                        if (args.length > 0 && args[0].equals("jdk")) linkJdk(args);
                        try {
                            Class.forName("Planted");
                            System.out.println("planted code is on the class path");
                        } catch (ClassNotFoundException expected) {
                        }
                        System.out.println("fake-jbang " + String.join(" ", args));
                    }
                    // Like `jbang jdk install MAJOR PATH`: a link under user.home, and a note of the call.
                    static void linkJdk(String[] args) {
                        try {
                            var home = java.nio.file.Path.of(System.getProperty("user.home"));
                            var link = home.resolve(".jbang/cache/jdks/" + args[2]);
                            java.nio.file.Files.createDirectories(link.getParent());
                            java.nio.file.Files.deleteIfExists(link);
                            java.nio.file.Files.createSymbolicLink(link, java.nio.file.Path.of(args[3]));
                            java.nio.file.Files.writeString(home.resolve("jdk-installs.log"), "install\\n",
                                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        System.exit(0);
                    }
                    // Like JBang: plain words as they are, others in single quotes.
                    static String quote(String arg) {
                        if (arg.matches("[A-Za-z0-9_./-]+")) return arg;
                        return "'" + arg.replace("'", "'\\\\''") + "'";
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("fake/classes"));
        run("javac", "-d", classes.toString(), src.resolve("Main.java").toString());
        Path jarFile = dir.resolve("fake/fake.jar");
        run("jar", "--create", "--file", jarFile.toString(), "-C", classes.toString(), ".");
        return Files.readAllBytes(jarFile);
    }

    /** A jar with one class, Planted, that the stand-in JBang looks for on its class path. */
    byte[] plantedJar() throws Exception {
        Path src = Files.createDirectories(dir.resolve("planted/src"));
        Files.writeString(src.resolve("Planted.java"), "public class Planted {}\n");
        Path classes = Files.createDirectories(dir.resolve("planted/classes"));
        run("javac", "-d", classes.toString(), src.resolve("Planted.java").toString());
        Path jarFile = dir.resolve("planted/planted.jar");
        run("jar", "--create", "--file", jarFile.toString(), "-C", classes.toString(), ".");
        return Files.readAllBytes(jarFile);
    }

    static void run(String tool, String... args) {
        var err = new ByteArrayOutputStream();
        int status = ToolProvider.findFirst(tool).orElseThrow().run(System.out, new java.io.PrintStream(err), args);
        assertEquals(0, status, tool + ": " + err);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
