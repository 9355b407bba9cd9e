package io.xmesh.bootstrap.discovery;

import io.xmesh.xprotocol.plugin.XmeshPlugin;
import io.xmesh.xprotocol.registry.Registry;
import io.xmesh.xprotocol.registry.RegistryFactory;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * A real ZooKeeper server for the tests, started through the registry SPI's {@code embedded} plugin (the bootstrap
 * does not compile against plugins). Stop and start keep port and data directory, like a server restart.
 */
final class ZkServer implements AutoCloseable {

    final int port;
    private final Path dataDir;
    private Registry server;

    ZkServer(Path dataDir) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        this.dataDir = dataDir;
        start();
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    synchronized void start() {
        server = factory("embedded").create(URI.create("embedded://127.0.0.1:" + port + "?tickTime=500&dataDir="
                + dataDir.toAbsolutePath().toString().replace('\\', '/')));
        server.start();
    }

    synchronized void stop() {
        server.close();
        server = null;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            stop();
        }
    }

    static RegistryFactory factory(String name) {
        return ServiceLoader.load(RegistryFactory.class).stream()
                .filter(p -> p.type().getAnnotation(XmeshPlugin.class).name().equals(name))
                .findFirst().orElseThrow().get();
    }

    /**
     * What ZooKeeper holds now for {@code key}, read by a fresh registry client (so nothing cached from before),
     * waiting until the first answer.
     */
    List<ServiceInstance> providers(ServiceKey key) {
        try (Registry r = factory("zookeeper").create(URI.create("zookeeper://" + connectString() + "?timeout=3000"))) {
            r.start();
            AtomicReference<List<ServiceInstance>> seen = new AtomicReference<>();
            try (Registry.Subscription s = r.subscribe(key, Map.of(), seen::set)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.get() != null);
                return seen.get();
            }
        }
    }
}
