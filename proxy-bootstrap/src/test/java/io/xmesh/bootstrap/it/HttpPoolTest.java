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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 (no multiplexing) through xmesh: one request at a time per upstream connection, at most
 * {@code maxConnectionsPerHost} per event loop, the rest queued; every client gets its own answer.
 */
class HttpPoolTest {

    @Test
    void concurrentRequestsShareABoundedPoolAndGetTheirOwnAnswers() throws Exception {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
        PluginResolver plugins = XmeshServer.resolver(catalog);
        Set<Integer> upstreamPorts = ConcurrentHashMap.newKeySet();
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        web.setExecutor(Executors.newFixedThreadPool(16));
        web.createContext("/echo", ex -> {
            upstreamPorts.add(ex.getRemoteAddress().getPort());
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            byte[] b = ("you asked for " + ex.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        web.createContext("/upload", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(body);
            byte[] b = (body.length + " bytes, crc " + crc.getValue()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        web.start();
        Engine e = null;
        try {
            String yaml = """
                    engine: {eventLoops: 2, drainQuietPeriod: 0ms}
                    listeners:
                      - {name: web-in, port: 0, protocols: [http]}
                    routes:
                      - {name: web, cluster: web, timeout: 10s}
                    clusters:
                      - {name: web, protocol: http, lb: least_request, maxConnectionsPerHost: 3, hosts: ["127.0.0.1:%d"]}
                    """.formatted(web.getAddress().getPort());
            e = new Engine(new ConfigLoader(plugins::names).parse("http.yaml", yaml), plugins, new SimpleMeterRegistry());
            e.start();
            int port = e.listenerAddress("web-in").getPort();
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
            }
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo?n=" + i))
                        .timeout(Duration.ofSeconds(20)).build();
                calls.add(clients.get(i % clients.size()).sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> r = calls.get(i).get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("you asked for n=" + i);
            }
            // a streamed request body (DATA frames) reaches the upstream whole
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            new java.util.Random(7).nextBytes(big);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(big);
            HttpResponse<String> up = clients.get(0).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(big)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo(big.length + " bytes, crc " + crc.getValue());
            // 2 event loops x maxConnectionsPerHost 3
            assertThat(upstreamPorts.size()).isBetween(1, 6);
        } finally {
            if (e != null) {
                e.shutdown(Duration.ofSeconds(2));
            }
            web.stop(0);
            catalog.close();
        }
    }
}
