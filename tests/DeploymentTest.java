import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copyable deployment of deploy/: real nginx in front of two instances on one real PostgreSQL. */
class DeploymentTest {

    static final String PASSWORD = "proxied-Pa55word";
    static final String M1 = "b2".repeat(32);

    @TempDir Path dir;

    static Path nginx() {
        Path nginx = Path.of("/usr/sbin/nginx");
        Assumptions.assumeTrue(Files.isExecutable(nginx), "nginx is not installed; `apt-get install nginx` runs this test");
        return nginx;
    }

    static int freePort() throws Exception {
        return freePorts(1)[0];
    }

    /** Distinct free ports: all are held open at once while picked, so none is handed out twice. */
    static int[] freePorts(int count) throws Exception {
        var sockets = new java.util.ArrayList<java.net.ServerSocket>();
        try {
            for (int i = 0; i < count; i++) sockets.add(new java.net.ServerSocket(0));
            return sockets.stream().mapToInt(java.net.ServerSocket::getLocalPort).toArray();
        } finally {
            for (var socket : sockets) socket.close();
        }
    }

    @Test
    void theDeployScriptRunsTheClientThroughNginxToBothInstances() throws Exception {
        nginx();
        Assumptions.assumeTrue(PostgresCluster.binaries().isPresent(), "PostgreSQL is not installed");
        int[] ports = freePorts(6);
        // With the optional synchronous standby: the servers then reach PostgreSQL through the multi-host URL.
        var env = Map.of("DEPLOY_PROXY_PORT", String.valueOf(ports[0]),
                "DEPLOY_INSTANCE_PORTS", ports[1] + " " + ports[2], "DEPLOY_PG_PORT", String.valueOf(ports[3]), "DEPLOY_STANDBY", "sync",
                "DEPLOY_ADMIN_PORTS", ports[4] + " " + ports[5]);
        var builder = new ProcessBuilder(Processes.ROOT.resolve("deploy/run.sh").toString(), "--check").directory(Processes.ROOT.toFile());
        builder.environment().putAll(env);
        var result = Processes.run(builder, "", 240);
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stdout().contains("deploy: sync standby on 127.0.0.1:" + (ports[3] + 1)), result.stdout());
        for (int i = 1; i <= 2; i++) {
            assertTrue(result.stdout().contains("deploy: instance " + ports[i] + " ready (http://127.0.0.1:" + ports[i + 3]
                    + "/observe/health/ready)"), result.stdout());
        }
        assertTrue(result.stdout().contains("HTTP 200\n{\"status\": \"OK\", \"username\": \"demo\", \"binding\": \"new\"}\n"), result.stdout());
        assertTrue(result.stdout().contains("HTTP 200\n{\"status\": \"OK\", \"username\": \"demo\", \"binding\": \"existing\"}\n"), result.stdout());
    }

    /** The unit must verify with no complaint: systemd-analyze exits 0 even for unknown keys, but says so. */
    @Test
    void theSystemdUnitVerifiesCleanlyAndKeepsTheServiceConfined() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "needs systemd-analyze (Debian package systemd, which .ci/run installs)");
        String unit = Files.readString(Processes.ROOT.resolve("deploy/seek-auth.service"));
        for (String setting : java.util.List.of("User=seek-auth", "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "StateDirectory=seek-auth", "StateDirectoryMode=0700", "UMask=0077")) {
            assertTrue(unit.lines().anyMatch(setting::equals), "the unit sets " + setting);
        }
        assertTrue(unit.contains("--db /var/lib/seek-auth/seek-auth.db"), "the store is in the StateDirectory");
        assertTrue(unit.contains("--admin-port 9081"), "with its health and metrics on loopback");
        // Verified where it is installed from: the checkout stands in for /opt/seek-auth.
        Path copy = dir.resolve("seek-auth.service");
        Files.writeString(copy, unit.replace("/opt/seek-auth", Processes.ROOT.toString()));
        var result = Processes.run(new ProcessBuilder(analyze.toString(), "verify", copy.toString()), "", 60);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("", result.stdout() + result.stderr(), "systemd-analyze has no complaint");
    }

    /** nginx from deploy/nginx.conf, with its ports moved to free ones, in front of the given instances. */
    record Proxy(Process process, URI check) implements AutoCloseable {
        @Override public void close() {
            Processes.stop(process);
        }
    }

    Proxy proxy(TestServer... instances) throws Exception {
        int port = freePort();
        String conf = Files.readString(Processes.ROOT.resolve("deploy/nginx.conf"))
                .replace("listen 127.0.0.1:8080;", "listen 127.0.0.1:" + port + ";")
                .replace("server 127.0.0.1:8081;", "server 127.0.0.1:" + instances[0].web.port() + ";")
                .replace("server 127.0.0.1:8082;", "server 127.0.0.1:" + instances[1].web.port() + ";")
                .replace("worker_processes 1;", "worker_processes 1;\ndaemon off;");
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        Process process = new ProcessBuilder(nginx().toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(), "-e", "stderr")
                .redirectErrorStream(true).redirectOutput(prefix.resolve("out.log").toFile()).start();
        var proxy = new Proxy(process, URI.create("http://127.0.0.1:" + port + "/check"));
        for (int i = 0; i < 100; i++) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return proxy;
            } catch (java.io.IOException notYet) {
                assertTrue(process.isAlive(), "nginx exited: " + Files.readString(prefix.resolve("out.log")));
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        proxy.close();
        throw new AssertionError("nginx did not listen");
    }

    @Test
    void throughNginxTheHeaderArrivesAndAClaimedClientAddressIsReplaced() throws Exception {
        String url = PostgresCluster.shared().newDatabase();
        try (var a = TestServer.trustingLoopbackProxy(url); var b = TestServer.trustingLoopbackProxy(url); var proxy = proxy(a, b)) {
            a.addUser("alice", PASSWORD);
            var http = HttpClient.newHttpClient();
            for (int i = 0; i < 2; i++) {
                var request = HttpRequest.newBuilder(proxy.check())
                        .header(HeaderCodec.HEADER_NAME, HeaderCodec.encode("alice", PASSWORD, M1))
                        .header("X-Forwarded-For", "203.0.113.77")
                        .GET().build();
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
            }
            // Both instances run in this JVM, so each one's log capture holds every decision.
            var decisions = a.logLines().stream().filter(line -> line.contains("decision=OK")).toList();
            assertEquals(2, decisions.size(), decisions.toString());
            for (String line : decisions) assertTrue(line.endsWith("addr=127.0.0.1"), "the claimed address is not believed: " + line);
        }
    }
}
