// The Helidon version comes from the BOM in accounts/Store.java, pinned there once.
//DEPS io.helidon.webserver:helidon-webserver

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/** The HTTP face of seek-auth: GET /check and nothing else, on Helidon SE. */
public final class AuthServer {

    private static final System.Logger LOG = System.getLogger("seek-auth.http");
    private static final HeaderName AUTH_HEADER = HeaderNames.create(HeaderCodec.HEADER_NAME);
    private static final String WWW_AUTHENTICATE = HeaderCodec.HEADER_NAME + " realm=\"check\"";

    /** A connection without a request line for this long is closed, idle keep-alive included (contract section 7). */
    public static final Duration IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

    private AuthServer() {}

    /** The server could not listen; the message names the address and the cause. */
    public static final class ListenException extends RuntimeException {
        ListenException(String message) {
            super(message);
        }
    }

    /**
     * The web server for GET /check, not yet started; port 0 picks a free port. sslContext may be null.
     */
    public static io.helidon.webserver.WebServerConfig.Builder builder(String host, int port, SSLContext sslContext, CheckService service, ClientAddress clientAddress,
                                            Duration idleConnectionTimeout) {
        var builder = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                // Only what is added here: the observe modules on the class path would otherwise
                // add themselves to the public socket too (see AdminSocket).
                .featuresDiscoverServices(false)
                // Helidon keeps one idle clock per connection (the time since its last request
                // began), checked every period while the connection waits for a request line: it
                // closes a client that trickles its request line, and an idle keep-alive alike.
                // Neither it nor the socket read timeout reaches a client that stalls after its
                // request line (Helidon 4.5 has no limit on the whole head); see the README
                // (nginx's client_header_timeout covers that).
                .idleConnectionTimeout(idleConnectionTimeout)
                .idleConnectionPeriod(Duration.ofSeconds(1))
                .routing(routing -> routes(routing, service, clientAddress, sslContext != null));
        if (sslContext != null) {
            builder.tls(Tls.builder().sslContext(sslContext).build());
        }
        return builder;
    }

    /**
     * Starts listening (see {@link WebServer#port()}). Throws {@link ListenException} when an
     * address cannot be bound: Helidon itself only logs that and reports port -1.
     */
    public static WebServer start(io.helidon.webserver.WebServerConfig.Builder builder, String host, int port, AdminSocket admin) {
        if (port != 0) probe(host, port);
        if (admin != null && admin.port() != 0) probe(admin.host(), admin.port());
        WebServer web = builder.build().start();
        if (web.port() < 0 || (admin != null && web.port(AdminSocket.NAME) < 0)) {
            web.stop();
            throw new ListenException("cannot listen on " + host + ":" + port
                    + (admin == null ? "" : " and " + admin.host() + ":" + admin.port()) + " (is a port in use?)");
        }
        return web;
    }

    /** What to warn about when passwords would cross the network unencrypted: a listener beyond loopback without TLS. */
    public static java.util.Optional<String> plainHttpWarning(String host, boolean tls) {
        if (tls || isLoopback(host)) return java.util.Optional.empty();
        return java.util.Optional.of("listening on " + host + " without TLS: passwords cross the network unencrypted"
                + " (use --tls-keystore, or --host 127.0.0.1 behind a TLS proxy)");
    }

    /**
     * What to warn about when proofs are checked against the Host each request names, on an
     * address others reach: a relay that rewrites Host could pass on a proof made for another server.
     */
    public static java.util.Optional<String> originWarning(String host, List<String> publicOrigins) {
        if (!publicOrigins.isEmpty() || isLoopback(host)) return java.util.Optional.empty();
        return java.util.Optional.of("listening on " + host + " without --public-url: signed headers are checked against"
                + " the Host each request names, which a relay can rewrite (set --public-url https://your.host)");
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Binds the address for a moment, to name the cause (port in use, no such address) in one line. */
    private static void probe(String host, int port) {
        try (var socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new ListenException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    static void routes(HttpRouting.Builder routing, CheckService service, ClientAddress clientAddress, boolean tls) {
        routing.get("/check", (req, res) -> answer(res, service.check(authValues(req),
                        () -> clientAddress.of(peer(req), values(req, HeaderNames.X_FORWARDED_FOR)),
                        () -> RequestOrigin.of(tls, req.headers().first(HeaderNames.HOST).orElse(null),
                                clientAddress.isTrustedProxy(peer(req)),
                                values(req, HeaderNames.X_FORWARDED_PROTO), values(req, HeaderNames.X_FORWARDED_HOST)))))
                .any("/check", (req, res) -> {
                    res.header(HeaderNames.ALLOW, "GET");
                    sendProblem(res, 405, "Method Not Allowed", "METHOD_NOT_ALLOWED", "Only GET is allowed on /check.");
                })
                .any((req, res) -> sendProblem(res, 404, "Not Found", "NOT_FOUND",
                        "There is nothing at this path; the only endpoint is GET /check."))
                .error(Throwable.class, (req, res, error) -> {
                    LOG.log(Level.ERROR, "unexpected " + error.getClass().getName() + " while answering " + req.prologue().method() + " " + req.path().path());
                    sendProblem(res, 500, "Internal Server Error", "INTERNAL_ERROR", "The server failed; this is a bug.");
                });
    }

    private static List<String> authValues(ServerRequest req) {
        var headers = req.headers();
        return headers.contains(AUTH_HEADER) ? headers.get(AUTH_HEADER).allValues() : List.of();
    }

    private static List<String> values(ServerRequest req, HeaderName name) {
        var headers = req.headers();
        return headers.contains(name) ? headers.get(name).allValues() : List.of();
    }

    private static String peer(ServerRequest req) {
        return req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : req.remotePeer().host();
    }

    private static void answer(ServerResponse res, CheckResult result) {
        switch (result) {
            case CheckResult.Ok ok -> send(res, 200, JsonBodies.JSON, JsonBodies.ok(ok));
            case CheckResult.Refused refused -> {
                if (refused.retryAfter() != null) {
                    res.header(HeaderNames.RETRY_AFTER, Long.toString(refused.retryAfter().toSeconds()));
                }
                if (refused.reason().status == 401) {
                    res.header(HeaderNames.WWW_AUTHENTICATE, WWW_AUTHENTICATE);
                }
                send(res, refused.reason().status, JsonBodies.PROBLEM_JSON, problemBody(refused));
            }
        }
    }

    /**
     * Refusal bodies are few and fixed (a reason and a detail from the code, never from the
     * request), so each is written once: a flood of malformed headers costs no JSON.
     */
    private static final java.util.Map<CheckResult.Refused, byte[]> PROBLEM_BODIES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_KEPT_BODIES = 2048;

    private static byte[] problemBody(CheckResult.Refused refused) {
        byte[] kept = PROBLEM_BODIES.get(refused);
        if (kept != null) return kept;
        byte[] body = JsonBodies.problem(refused).getBytes(StandardCharsets.UTF_8);
        if (PROBLEM_BODIES.size() < MAX_KEPT_BODIES) PROBLEM_BODIES.put(refused, body);
        return body;
    }

    private static void sendProblem(ServerResponse res, int status, String title, String code, String detail) {
        send(res, status, JsonBodies.PROBLEM_JSON, JsonBodies.problem(status, title, code, detail));
    }

    private static void send(ServerResponse res, int status, String contentType, String body) {
        send(res, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(ServerResponse res, int status, String contentType, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }
}
