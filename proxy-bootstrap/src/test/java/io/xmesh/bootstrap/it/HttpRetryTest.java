package io.xmesh.bootstrap.it;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries on a response status resend only idempotent requests: a GET answered 503 is tried
 * again on the other host, a POST answered 503 is not (it may have had its effect).
 */
class HttpRetryTest {

    @Test
    void statusRetriesResendGetButNeverPost() throws Exception {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
        PluginResolver plugins = XmeshServer.resolver(catalog);
        AtomicInteger hits = new AtomicInteger();
        HttpServer[] servers = new HttpServer[2];
        for (int i = 0; i < servers.length; i++) {
            servers[i] = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            servers[i].createContext("/", ex -> {
                hits.incrementAndGet();
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(503, -1);
                ex.close();
            });
            servers[i].start();
        }
        Engine e = null;
        try {
            String yaml = """
                    engine: {eventLoops: 1, drainQuietPeriod: 0ms}
                    listeners:
                      - {name: web-in, port: 0, protocols: [http]}
                    routes:
                      - {name: web, cluster: web, timeout: 10s, retry: {maxRetries: 1, retryOn: [connect_failed], retryOnStatuses: [503]}}
                    clusters:
                      - {name: web, protocol: http, lb: round_robin, hosts: ["127.0.0.1:%d", "127.0.0.1:%d"]}
                    """.formatted(servers[0].getAddress().getPort(), servers[1].getAddress().getPort());
            e = new Engine(new ConfigLoader(plugins::names).parse("retry.yaml", yaml), plugins, new SimpleMeterRegistry());
            e.start();
            URI uri = URI.create("http://127.0.0.1:" + e.listenerAddress("web-in").getPort() + "/thing");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(503);
            assertThat(hits.get()).as("GET tried on both hosts").isEqualTo(2);

            hits.set(0);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(503);
            assertThat(hits.get()).as("POST sent once only").isEqualTo(1);
        } finally {
            if (e != null) {
                e.shutdown(Duration.ofSeconds(2));
            }
            for (HttpServer s : servers) {
                s.stop(0);
            }
            catalog.close();
        }
    }
}
