package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xmesh.bootstrap.MeshProxy;
import io.xmesh.bootstrap.engine.Engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One real xmesh for the tests: a {@link MeshProxy} (the plugins of the class path, as in production), the local
 * discovery and its HTTP API on a free port; and an HTTP client for that API.
 */
final class Sidecar implements AutoCloseable {

    final MeshProxy mesh;
    final Engine engine;
    final LocalDiscovery discovery;
    final DiscoveryHttpApi api;
    final InetSocketAddress apiAddress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    Sidecar(String yaml, Duration drain) throws IOException {
        mesh = new MeshProxy("eventLoops: 2, shutdownTimeout: 5s, drainQuietPeriod: 100ms", yaml);
        engine = mesh.engine;
        DiscoverySettings settings = DiscoverySettings.DEFAULT.withApiPort(0).withDrainPeriod(drain)
                .withAdvertiseHost("127.0.0.1");
        discovery = new LocalDiscovery(engine, mesh.resolver, settings);
        discovery.start();
        api = new DiscoveryHttpApi(discovery, settings);
        apiAddress = api.start();
    }

    int listenerPort(String name) {
        return mesh.listener(name).getPort();
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
        } finally {
            mesh.close(discovery::close);
        }
    }
}
