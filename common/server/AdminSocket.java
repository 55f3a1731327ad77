//DEPS io.helidon.webserver.observe:helidon-webserver-observe-health
//DEPS io.helidon.webserver.observe:helidon-webserver-observe-metrics
//DEPS io.helidon.metrics.providers:helidon-metrics-providers-micrometer

import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.util.List;

/**
 * The second socket of the same web server (contract section 12): /observe/health/live and
 * /ready, and /observe/metrics in Prometheus's text format, through Helidon's own observe
 * feature, and nothing on the public socket, which keeps its one endpoint.
 *
 * @param host where it listens, loopback by default (--admin-host)
 * @param port its port (--admin-port; 0 picks a free one)
 */
public record AdminSocket(String host, int port) {

    static final String NAME = "admin";

    /** Adds the socket and the observe feature, on that socket only, to the web server being built. */
    void addTo(io.helidon.webserver.WebServerConfig.Builder server, HealthCheck ready, MeterRegistry registry) {
        server.putSocket(NAME, socket -> socket.host(host).port(port));
        server.addFeature(ObserveFeature.builder()
                .sockets(List.of(NAME))
                .addObserver(HealthObserver.builder().useSystemServices(false).details(true).addCheck(ready).build())
                .addObserver(MetricsObserver.builder().meterRegistry(registry).build())
                .build());
    }
}
