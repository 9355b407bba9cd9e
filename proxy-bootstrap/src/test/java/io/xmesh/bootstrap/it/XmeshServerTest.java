package io.xmesh.bootstrap.it;

import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.testproto.LpClient;
import io.xmesh.bootstrap.testproto.LpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The assembled server: plugins from the catalog, engine, admin API and Prometheus metrics. */
class XmeshServerTest {

    static HttpResponse<String> get(HttpClient http, String base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminApiShowsReadinessConfigClustersPluginsAndMetrics() throws Exception {
        try (LpServer a = new LpServer("a")) {
            PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
            XmeshConfig config = new ConfigLoader(k -> new java.util.HashSet<>(XmeshServer.resolver(catalog).names(k))).parse("t.yaml", """
                    admin: {port: 0}
                    engine: {eventLoops: 1, drainQuietPeriod: 0ms}
                    listeners:
                      - {name: in, port: 0, protocols: [lp]}
                    routes:
                      - {name: all, cluster: backend, timeout: 2s}
                    clusters:
                      - {name: backend, protocol: lp, hosts: ["%s"]}
                    """.formatted(a.address()));
            XmeshServer server = new XmeshServer(config, catalog);
            server.start();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.adminAddress().getPort();
            try (LpClient c = new LpClient(server.engine().listenerAddress("in"))) {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.call(Map.of("service", "s"), "x").get(5, TimeUnit.SECONDS).status()).isEqualTo(20);
                }
                assertThat(get(http, base, "/ready").statusCode()).isEqualTo(200);
                String metrics = get(http, base, "/metrics").body();
                assertThat(metrics).contains("xmesh_listener_requests_total{listener=\"in\"} 3.0")
                        .contains("xmesh_route_requests_total{route=\"all\"} 3.0")
                        .contains("xmesh_cluster_requests_total{cluster=\"backend\"} 3.0")
                        .contains("xmesh_host_requests_total{cluster=\"backend\",host=\"" + a.address() + "\"} 3.0")
                        .contains("xmesh_route_request_duration_seconds_count{route=\"all\"} 3");
                String clusters = get(http, base, "/clusters").body();
                assertThat(clusters).contains("\"name\" : \"backend\"").contains("\"address\" : \"" + a.address() + "\"")
                        .contains("\"health\" : \"healthy\"").contains("\"requests\" : 3");
                String cfg = get(http, base, "/config").body();
                assertThat(cfg).contains("\"timeout\" : \"2000ms\"").contains("\"protocols\" : [ \"lp\" ]");
                assertThat(get(http, base, "/plugins").body()).contains("\"name\" : \"lp\"");
                assertThat(get(http, base, "/nope").statusCode()).isEqualTo(404);
            }
            server.stop();
            catalog.close();
        }
    }
}
