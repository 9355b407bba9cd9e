package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.PluginKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The live set of clusters, changeable at runtime from any thread (configuration, the local
 * pub/sub API, registry listeners). Event loops look clusters up by name on every request
 * (a {@link ConcurrentHashMap} read); a route may name a cluster that does not exist yet, and
 * requests on it are answered with {@code NO_ROUTE} until it does.
 */
public final class ClusterManager {
    private static final Logger log = LoggerFactory.getLogger(ClusterManager.class);

    private final Map<String, Cluster> clusters = new ConcurrentHashMap<>();
    private final PluginResolver plugins;
    private final MeterRegistry registry;
    private final Consumer<List<Host>> onRemoved;

    ClusterManager(PluginResolver plugins, MeterRegistry registry, Consumer<List<Host>> onRemoved) {
        this.plugins = plugins;
        this.registry = registry;
        this.onRemoved = onRemoved;
    }

    /**
     * Adds a cluster, or reconfigures the one with the same name (its hosts become
     * {@code config.hosts()}; hosts with an unchanged address keep health and connections).
     *
     * @return the cluster
     * @throws IllegalArgumentException for an unknown protocol or a protocol change
     */
    public synchronized Cluster upsert(ClusterConfig config) {
        Cluster existing = clusters.get(config.name());
        if (existing != null) {
            existing.reconfigure(config);
            log.info("cluster {} updated: {} hosts", config.name(), existing.hosts().size());
            return existing;
        }
        XProtocol protocol = ConfigLoader.TCP.equals(config.protocol()) ? null
                : plugins.instance(PluginKind.PROTOCOL, config.protocol(), XProtocol.class);
        Cluster c = new Cluster(config, protocol, registry, onRemoved);
        clusters.put(config.name(), c);
        log.info("cluster {} added ({}, {} hosts, lb {})", config.name(), config.protocol(), c.hosts().size(),
                config.lb().name().toLowerCase(java.util.Locale.ROOT));
        return c;
    }

    /**
     * Removes a cluster: new requests to it get {@code NO_ROUTE}; requests in flight finish.
     *
     * @return whether it existed
     */
    public synchronized boolean remove(String name) {
        Cluster c = clusters.remove(name);
        if (c == null) {
            return false;
        }
        c.removeAll();
        log.info("cluster {} removed", name);
        return true;
    }

    /** The cluster, or null. Any thread. */
    public Cluster get(String name) {
        return clusters.get(name);
    }

    /** Every cluster, sorted by name. */
    public Collection<Cluster> all() {
        return new TreeMap<>(clusters).values();
    }
}
