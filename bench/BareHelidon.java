///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS io.helidon:helidon-dependencies:4.5.0@pom
//DEPS io.helidon.webserver:helidon-webserver
// The same JVM options as server.java, so that only the code differs.
//RUNTIME_OPTIONS -Xmx128m -Xms32m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;

/**
 * The baseline for bench/abuse.sh: a bare Helidon server on the same version that answers
 * GET /check with the same 400 problem body seek-auth gives a malformed header, and does
 * nothing else (no decoding, no logging). Prints "listening on PORT".
 */
class BareHelidon {
    public static void main(String[] args) {
        java.util.logging.LogManager.getLogManager().reset();
        byte[] body = ("{\"type\": \"about:blank\", \"title\": \"Bad Request\", \"status\": 400, \"code\": \"MALFORMED_HEADER\", "
                + "\"detail\": \"header value is not base64 (RFC 4648 standard alphabet, with padding)\"}").getBytes(StandardCharsets.UTF_8);
        var web = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .routing(r -> r.get("/check", (req, res) -> {
                    res.status(Status.BAD_REQUEST_400);
                    res.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
                    res.header(HeaderNames.CACHE_CONTROL, "no-store");
                    res.send(body);
                }))
                .build().start();
        System.out.println("listening on " + web.port());
    }
}
