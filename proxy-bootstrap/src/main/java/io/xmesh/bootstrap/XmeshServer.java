package io.xmesh.bootstrap;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.xmesh.bootstrap.admin.AdminResponse;
import io.xmesh.bootstrap.admin.AdminServer;
import io.xmesh.bootstrap.config.HostSpec;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.bootstrap.discovery.DiscoveryHttpApi;
import io.xmesh.bootstrap.discovery.DiscoverySettings;
import io.xmesh.bootstrap.discovery.LocalDiscovery;
import io.xmesh.bootstrap.engine.Cluster;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.Host;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginDescriptor;
import io.xmesh.xprotocol.plugin.PluginKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole xmesh process minus the command line: the {@link Engine}, the admin API with its
 * built-in endpoints, and the metrics registry, built from a configuration and a plugin catalog.
 * Components added later (the registry and the local pub/sub API) hook in through
 * {@link #engine()} ({@code clusters()}, {@code routes()}, {@code addPreShutdownHook}) and
 * {@link #admin()} ({@code register}).
 *
 * <p>{@link #start()} and {@link #stop()} block; call them off the event loops.
 */
public final class XmeshServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(XmeshServer.class);

    private final XmeshConfig config;
    private final PluginCatalog catalog;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Engine engine;
    private final AdminServer admin = new AdminServer();
    private LocalDiscovery discovery;
    private volatile boolean stopped;

    /**
     * @param config  a validated configuration
     * @param catalog the discovered plugins (not closed by this server)
     */
    public XmeshServer(XmeshConfig config, PluginCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
        this.engine = new Engine(config, resolver(catalog), metrics);
    }

    /** The engine over a plugin catalog. */
    public static PluginResolver resolver(PluginCatalog catalog) {
        return new PluginResolver() {
            @Override
            public <T> T instance(PluginKind kind, String name, Class<T> type) {
                return catalog.instance(kind, name, type);
            }

            @Override
            public Set<String> names(PluginKind kind) {
                Set<String> s = new LinkedHashSet<>();
                catalog.plugins(kind).forEach(d -> s.add(d.name()));
                return s;
            }
        };
    }

    public Engine engine() {
        return engine;
    }

    public AdminServer admin() {
        return admin;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public XmeshConfig config() {
        return config;
    }

    /** The local pub/sub service discovery; null before {@link #start()}. */
    public LocalDiscovery discovery() {
        return discovery;
    }

    /**
     * Starts the engine, the registry (an embedded ZooKeeper starts here), then the admin API (when enabled) with
     * the local pub/sub API mounted on it ({@code /pub}, {@code /unpub}, {@code /sub}, {@code /unsub},
     * {@code /registrations}).
     */
    public void start() {
        engine.start();
        registerBuiltInEndpoints();
        try {
            discovery = new LocalDiscovery(engine, resolver(catalog), DiscoverySettings.DEFAULT);
            discovery.start();
            new DiscoveryHttpApi(discovery, DiscoverySettings.DEFAULT).mountOn(admin);
        } catch (RuntimeException e) {
            engine.shutdown(Duration.ZERO);
            if (discovery != null) {
                discovery.close();
            }
            throw e;
        }
        if (config.admin().enabled()) {
            try {
                admin.start(config.admin().address(), config.admin().port(), engine.transport());
            } catch (RuntimeException e) {
                engine.shutdown(Duration.ZERO);
                discovery.close();
                throw e;
            }
        }
        StringBuilder sb = new StringBuilder("xmesh ready:");
        engine.listenerAddresses().forEach((n, a) -> sb.append("\n  listener ").append(n).append(" on ")
                .append(a.getHostString()).append(':').append(a.getPort()));
        if (admin.address() != null) {
            sb.append("\n  admin on http://").append(admin.address().getHostString()).append(':').append(admin.address().getPort()).append('/');
        }
        log.info(sb.toString());
    }

    /** The admin API's bound address, or null when disabled. */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** Graceful shutdown with the configured timeout (pre-shutdown hooks first). Idempotent. */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        engine.shutdown(config.engine().shutdownTimeout()); // its pre-shutdown hook unpublishes first
        if (discovery != null) {
            discovery.close();
        }
        admin.close();
    }

    @Override
    public void close() {
        stop();
    }

    private void registerBuiltInEndpoints() {
        admin.register("/ready", r -> engine.isReady() ? AdminResponse.text(200, "ready\n")
                : AdminResponse.text(503, stopped ? "draining\n" : "starting\n"));
        admin.register("/metrics", r -> new AdminResponse(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        admin.register("/config", r -> AdminResponse.json(200, effectiveConfig()));
        admin.register("/clusters", r -> AdminResponse.json(200, clusters()));
        admin.register("/plugins", r -> {
            List<PluginDescriptor> l = catalog.plugins();
            return AdminResponse.json(200, l);
        });
        admin.register("/", r -> AdminResponse.json(200, Map.of("paths", admin.paths())));
    }

    /** The configuration as running now: routes and clusters include runtime changes. */
    public XmeshConfig effectiveConfig() {
        List<ClusterConfig> clusters = new ArrayList<>();
        for (Cluster c : engine.clusters().all()) {
            ClusterConfig cc = c.config();
            List<HostSpec> hosts = new ArrayList<>();
            for (Host h : c.hosts()) {
                hosts.add(new HostSpec(h.hostName(), h.port(), h.weight()));
            }
            clusters.add(new ClusterConfig(cc.name(), cc.protocol(), hosts, cc.lb(), cc.hashKey(), cc.connectTimeout(),
                    cc.maxConnectionsPerHost(), cc.maxPendingRequests(), cc.maxRequestsPerConnection(), cc.ejection(), cc.codec(),
                    cc.circuitBreaker()));
        }
        List<XmeshConfig.ListenerConfig> listeners = new ArrayList<>();
        for (XmeshConfig.ListenerConfig l : config.listeners()) {
            InetSocketAddress a = engine.listenerAddress(l.name());
            listeners.add(new XmeshConfig.ListenerConfig(l.name(), l.address(), a == null ? l.port() : a.getPort(), l.protocols(),
                    l.role(), l.router(), l.filters(), l.codec(), l.tcpCluster(), l.detectTimeout(), l.maxConnections()));
        }
        return new XmeshConfig(config.admin(), config.registry(), config.engine(), listeners,
                engine.routes().routes().stream().filter(java.util.Objects::nonNull).toList(), clusters);
    }

    private List<Map<String, Object>> clusters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cluster c : engine.clusters().all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("protocol", c.protocolName());
            m.put("lb", c.config().lb().name().toLowerCase(java.util.Locale.ROOT));
            m.put("requests", c.requestCount());
            m.put("errors", c.errorCounts());
            List<Map<String, Object>> hosts = new ArrayList<>();
            for (Host h : c.hosts()) {
                Map<String, Object> hm = new LinkedHashMap<>();
                hm.put("address", h.address());
                hm.put("weight", h.weight());
                hm.put("health", h.isEjected() ? "ejected" : "healthy");
                hm.put("ejectedForMs", h.ejectedForMillis());
                hm.put("activeRequests", h.activeRequests());
                hm.put("requests", h.requestCount());
                hm.put("failures", h.failureCount());
                hm.put("consecutiveFailures", h.consecutiveFailures());
                hm.put("ejections", h.ejectionCount());
                hosts.add(hm);
            }
            m.put("hosts", hosts);
            out.add(m);
        }
        return out;
    }
}
