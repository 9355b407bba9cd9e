package io.xmesh.bootstrap;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A real, started xmesh engine for integration tests, with the plugins of the test class path (the built-in codecs,
 * registry and mesh filters, found by {@link PluginCatalog} and resolved exactly as in production).
 */
public final class MeshProxy implements AutoCloseable {

    public final Engine engine;
    public final PluginResolver resolver;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PluginCatalog catalog;

    /** An engine with {@code eventLoops: 2, shutdownTimeout: 5s} and the given configuration. */
    public MeshProxy(String yaml) {
        this("eventLoops: 2, shutdownTimeout: 5s", yaml);
    }

    /**
     * @param engineSettings the entries of the {@code engine:} map, e.g. {@code eventLoops: 2, shutdownTimeout: 5s}
     * @param yaml           the rest of the configuration (listeners, routes, clusters, ...)
     */
    public MeshProxy(String engineSettings, String yaml) {
        catalog = PluginCatalog.discover(MeshProxy.class.getClassLoader(), null, Map.of());
        resolver = XmeshServer.resolver(catalog);
        XmeshConfig config = new ConfigLoader(resolver::names)
                .parse("test.yaml", "engine: {" + engineSettings + "}\n" + yaml);
        engine = new Engine(config, resolver, meters);
        engine.start();
    }

    public InetSocketAddress listener(String name) {
        return engine.listenerAddress(name);
    }

    @Override
    public void close() {
        close(() -> { });
    }

    /** Shuts the engine down (3 s), then runs {@code beforeCatalogClose}, then closes the plugin catalog. */
    public void close(Runnable beforeCatalogClose) {
        try {
            engine.shutdown(Duration.ofSeconds(3));
        } finally {
            try {
                beforeCatalogClose.run();
            } finally {
                catalog.close();
            }
        }
    }
}
