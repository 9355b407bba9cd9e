package io.xmesh.bootstrap.filters;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginDescriptor;
import io.xmesh.xprotocol.plugin.PluginKind;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A real xmesh engine for integration tests, with the plugins of the test class path (the built-in codecs and
 * the mesh filters, found by {@link PluginCatalog} exactly as in production).
 */
final class MeshProxy implements AutoCloseable {

    final Engine engine;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PluginCatalog catalog;

    MeshProxy(String yaml) {
        catalog = PluginCatalog.discover(MeshProxy.class.getClassLoader(), null, Map.of());
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
                .parse("test.yaml", "engine: {eventLoops: 2, shutdownTimeout: 5s}\n" + yaml);
        engine = new Engine(config, resolver, meters);
        engine.start();
    }

    InetSocketAddress listener(String name) {
        return engine.listenerAddress(name);
    }

    @Override
    public void close() {
        try {
            engine.shutdown(Duration.ofSeconds(3));
        } finally {
            catalog.close();
        }
    }
}
