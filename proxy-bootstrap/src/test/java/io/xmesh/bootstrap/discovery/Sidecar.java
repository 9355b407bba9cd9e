package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginDescriptor;
import io.xmesh.xprotocol.plugin.PluginKind;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One real xmesh for the tests: an engine with the plugins of the class path (found by {@link PluginCatalog} as in
 * production), the local discovery and its HTTP API on a free port; and an HTTP client for that API.
 */
final class Sidecar implements AutoCloseable {

    final Engine engine;
    final LocalDiscovery discovery;
    final DiscoveryHttpApi api;
    final InetSocketAddress apiAddress;
    private final PluginCatalog catalog;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    Sidecar(String yaml, Duration drain) throws IOException {
        catalog = PluginCatalog.discover(Sidecar.class.getClassLoader(), null, Map.of());
        PluginResolver resolver = new PluginResolver() {
            @Override
            public <T> T instance(PluginKind kind, String name, Class<T> type) {
                return catalog.instance(kind, name, type);
            }

            @Override
            public Set<String> names(PluginKind kind) {
                Set<String> names = new TreeSet<>();
                for (PluginDescriptor d : catalog.plugins(kind)) {
                    names.add(d.name());
                }
                return names;
            }
        };
        XmeshConfig config = new ConfigLoader(resolver::names)
                .parse("test.yaml", "engine: {eventLoops: 2, shutdownTimeout: 5s, drainQuietPeriod: 100ms}\n" + yaml);
        engine = new Engine(config, resolver, new SimpleMeterRegistry());
        engine.start();
        DiscoverySettings settings = DiscoverySettings.DEFAULT.withApiPort(0).withDrainPeriod(drain)
                .withAdvertiseHost("127.0.0.1");
        discovery = new LocalDiscovery(engine, resolver, settings);
        discovery.start();
        api = new DiscoveryHttpApi(discovery, settings);
        apiAddress = api.start();
    }

    int listenerPort(String name) {
        return engine.listenerAddress(name).getPort();
    }

    /** An answer of the API: status and JSON body. */
    record Answer(int status, JsonNode body) {
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), json.readTree(r.body()));
    }

    Answer get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), json.readTree(r.body()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + apiAddress.getPort() + path);
    }

    /** Graceful shutdown as in production: the engine's pre-shutdown hook unpublishes, then the engine drains. */
    @Override
    public void close() {
        try {
            api.close();
            engine.shutdown(Duration.ofSeconds(3));
        } finally {
            discovery.close();
            catalog.close();
        }
    }
}
