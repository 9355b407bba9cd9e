package io.xmesh.bootstrap.discovery;

import io.xmesh.bootstrap.config.HostSpec;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.bootstrap.config.XmeshConfig.HeaderMatch;
import io.xmesh.bootstrap.config.XmeshConfig.LbPolicy;
import io.xmesh.bootstrap.config.XmeshConfig.ListenerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.MatchKind;
import io.xmesh.bootstrap.config.XmeshConfig.RetryConfig;
import io.xmesh.bootstrap.config.XmeshConfig.Role;
import io.xmesh.bootstrap.config.XmeshConfig.RouteConfig;
import io.xmesh.bootstrap.engine.Cluster;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.plugin.PluginKind;
import io.xmesh.xprotocol.registry.Registry;
import io.xmesh.xprotocol.registry.RegistryFactory;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Service discovery through the local sidecar: what {@code pub}, {@code unpub}, {@code sub} and {@code unsub} do to
 * the engine and the registry. The HTTP surface is {@link DiscoveryHttpApi}; this class is its logic, usable directly.
 *
 * <ul>
 *   <li><b>pub</b>: an ingress route ({@code service}/{@code version}/{@code group} headers on the ingress listener) to a
 *       cluster holding the local application ({@code appHost:appPort}); then the registry publishes
 *       <em>xmesh's ingress address</em> for the service.</li>
 *   <li><b>unpub</b>: the registration is removed first; the route keeps serving for {@code drainPeriod} (consumers
 *       need a moment to notice), then it is dropped (and the application cluster when no route uses it). A new
 *       {@code pub} during the drain cancels the removal.</li>
 *   <li><b>sub</b>: an egress cluster whose hosts follow the registry (full sets from the registry listener; never
 *       emptied by a registry outage, see {@link Registry}), and a route to it on every egress listener.</li>
 *   <li><b>unsub</b>: the watch (and consumer record) is closed; route and cluster are removed.</li>
 * </ul>
 * Every call is idempotent. Routes created here are inserted before configured routes; their conditions are
 * mutually exclusive (exact service; version {@code ""} matches a request's "" or "0.0.0"; group {@code ""} matches a
 * request without a group), so their relative order does not matter.
 *
 * <h2>Threads</h2>
 * Thread-safe. Calls block (bounded by {@code registryWait}) and must not be made on an event loop; the HTTP API calls
 * them on its own thread. Registry listeners update clusters on the registry's notify thread.
 */
public final class LocalDiscovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalDiscovery.class);

    /** Outcome of a call: done, or accepted while the registry is not reachable (it completes later). */
    public enum Outcome { DONE, PENDING }

    private final Engine engine;
    private final PluginResolver plugins;
    private final DiscoverySettings settings;
    private final String defaultRegistry;
    private final ScheduledExecutorService timers;

    // guarded by this
    private final Map<String, Registry> registries = new LinkedHashMap<>();
    private final Map<Id, Publication> publications = new LinkedHashMap<>();
    private final Map<Id, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<String, Integer> appClusterRefs = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param engine   the running engine (its clusters and routes are changed)
     * @param plugins  where registry plugins come from
     * @param settings API settings
     */
    public LocalDiscovery(Engine engine, PluginResolver plugins, DiscoverySettings settings) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.settings = Objects.requireNonNull(settings, "settings");
        String r = engine.config().registry();
        this.defaultRegistry = r == null ? null : r.equals("embedded") ? "embedded://127.0.0.1:2181" : r;
        this.timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "xmesh-discovery-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** The configured default registry URI ({@code embedded} becomes {@code embedded://127.0.0.1:2181}), or null. */
    public String defaultRegistry() {
        return defaultRegistry;
    }

    /**
     * Starts the configured default registry now (an embedded ZooKeeper must be up before applications start), and
     * registers {@link #unpublishAll} as an engine pre-shutdown hook: graceful shutdown unpublishes everything before
     * the listeners stop.
     *
     * @throws IllegalStateException when the configured registry cannot start (e.g. the embedded server's port is taken)
     */
    public void start() {
        if (defaultRegistry != null) {
            synchronized (this) {
                try {
                    registry(defaultRegistry, "registry");
                } catch (BadRequestException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
        engine.addPreShutdownHook(() -> unpublishAll(settings.registryWait()));
    }

    // ------------------------------------------------------------------ pub / unpub

    /**
     * Publishes a service of the local application through xmesh's ingress listener.
     *
     * @return DONE when registered, PENDING when the route is in place but the registry has not confirmed within
     *         {@code registryWait} (it registers when it can)
     * @throws BadRequestException for an unknown registry or protocol, or when no ingress listener exists (409)
     */
    public Outcome pub(ServiceRequest r) {
        CompletionStage<Void> written;
        synchronized (this) {
            checkOpen();
            checkProtocol(r.key());
            String registryUri = registryUri(r);
            Registry registry = registry(registryUri, r.mosnShape() ? "registry.type" : "registry");
            String ingress = ingressListener();
            InetSocketAddress ingressAddress = engine.listenerAddress(ingress);
            if (ingressAddress == null) {
                throw new BadRequestException(409, null, "ingress listener '" + ingress + "' is not bound");
            }
            int appPort = r.appPort() > 0 ? r.appPort() : settings.defaultAppPort();
            Id id = new Id(registryUri, r.key());
            Publication existing = publications.get(id);
            if (existing != null && existing.drain != null) {
                existing.drain.cancel(false);
                existing.drain = null;
                log.info("pub {}: drain cancelled", r.key());
            }
            String appCluster = appCluster(r.key().protocol(), appPort);
            if (existing == null || !existing.appCluster.equals(appCluster)) {
                acquireAppCluster(appCluster, r.key().protocol(), appPort);
            }
            String routeName = "pub:" + id.name();
            engine.routes().upsertFirst(new RouteConfig(routeName, List.of(ingress), matchers(r.key()), appCluster,
                    settings.routeTimeout(), RetryConfig.DEFAULT, null, List.of(),
                    Map.of("xmesh.discovery", "pub", "service", r.key().toString())));
            if (existing != null && !existing.appCluster.equals(appCluster)) {
                releaseAppCluster(existing.appCluster);
            }
            Map<String, String> params = new LinkedHashMap<>(r.parameters());
            if (!r.methods().isEmpty()) {
                params.put("methods", String.join(",", r.methods()));
            }
            ServiceInstance instance = new ServiceInstance(r.key(), advertiseHost(ingress, ingressAddress),
                    ingressAddress.getPort(), r.weight(), params);
            if (existing != null && !existing.instance.equals(instance)
                    && !existing.instance.address().equals(instance.address())) {
                registry.unpublish(existing.instance);
            }
            written = registry.publish(instance);
            publications.put(id, new Publication(id, registry, instance, appCluster, routeName, appPort));
            log.info("pub {}: ingress {} -> {}:{}, advertised as {}", r.key(), ingress, settings.appHost(), appPort,
                    instance.address());
        }
        return await(written);
    }

    /**
     * Removes a publication: unregisters it now, drops its route after {@code drainPeriod}.
     *
     * @return DONE when the registry confirmed the removal, PENDING otherwise (it completes later)
     */
    public Outcome unpub(ServiceRequest r) {
        CompletionStage<Void> removed;
        synchronized (this) {
            checkOpen();
            String registryUri = registryUri(r);
            Id id = new Id(registryUri, r.key());
            Publication p = publications.get(id);
            if (p == null || p.drain != null) {
                return Outcome.DONE;
            }
            removed = p.registry.unpublish(p.instance);
            Duration drain = settings.drainPeriod();
            p.drain = timers.schedule(() -> finishUnpub(p), drain.toMillis(), TimeUnit.MILLISECONDS);
            log.info("unpub {}: unregistered; route {} kept for {} ms", r.key(), p.routeName, drain.toMillis());
        }
        return await(removed);
    }

    private synchronized void finishUnpub(Publication p) {
        if (publications.get(p.id) != p || p.drain == null) {
            return; // re-published meanwhile
        }
        publications.remove(p.id);
        engine.routes().remove(p.routeName);
        releaseAppCluster(p.appCluster);
        log.info("unpub {}: route {} removed after the drain period", p.id.key, p.routeName);
    }

    /**
     * Unregisters every publication (routes stay until the engine stops). For graceful shutdown: waits up to
     * {@code wait} for the registry.
     */
    public void unpublishAll(Duration wait) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        synchronized (this) {
            for (Publication p : publications.values()) {
                if (p.drain == null) {
                    pending.add(p.registry.unpublish(p.instance).toCompletableFuture());
                }
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("not every publication was removed from the registry before shutdown: {}", e.toString());
        }
        log.info("unpublished {} services before shutdown", pending.size());
    }

    // ------------------------------------------------------------------ sub / unsub

    /**
     * Subscribes: creates the egress cluster (hosts from the registry) and a route to it on every egress listener.
     *
     * @return DONE when the first set of hosts arrived within {@code registryWait}, PENDING otherwise
     */
    public Outcome sub(ServiceRequest r) {
        CountDownLatch first;
        synchronized (this) {
            checkOpen();
            checkProtocol(r.key());
            String registryUri = registryUri(r);
            Registry registry = registry(registryUri, r.mosnShape() ? "registry.type" : "registry");
            List<String> egress = egressListeners();
            Id id = new Id(registryUri, r.key());
            Subscription existing = subscriptions.get(id);
            if (existing != null) {
                first = existing.first;
            } else {
                String clusterName = "sub:" + id.name();
                ClusterConfig base = ClusterConfig.of(clusterName, r.key().protocol(), List.of(), LbPolicy.ROUND_ROBIN);
                engine.clusters().upsert(base);
                String routeName = "sub:" + id.name();
                engine.routes().upsertFirst(new RouteConfig(routeName, egress, matchers(r.key()), clusterName,
                        settings.routeTimeout(), RetryConfig.DEFAULT, null, List.of(),
                        Map.of("xmesh.discovery", "sub", "service", r.key().toString())));
                Subscription s = new Subscription(id, clusterName, routeName);
                subscriptions.put(id, s);
                Map<String, String> consumer = new LinkedHashMap<>(r.parameters());
                if (!r.methods().isEmpty()) {
                    consumer.put("methods", String.join(",", r.methods()));
                }
                s.handle = registry.subscribe(r.key(), consumer, instances -> onInstances(s, instances));
                first = s.first;
                log.info("sub {}: cluster {} follows the registry; route on {}", r.key(), clusterName, egress);
            }
        }
        try {
            return first.await(settings.registryWait().toMillis(), TimeUnit.MILLISECONDS) ? Outcome.DONE : Outcome.PENDING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.PENDING;
        }
    }

    /** Registry notify thread: the full current set of providers. */
    private void onInstances(Subscription s, List<ServiceInstance> instances) {
        List<HostSpec> hosts = new ArrayList<>(instances.size());
        for (ServiceInstance i : instances) {
            hosts.add(new HostSpec(i.host(), i.port(), Math.min(10_000, Math.max(0, i.weight()))));
        }
        synchronized (this) {
            if (subscriptions.get(s.id) != s || closed) {
                return;
            }
            Cluster c = engine.clusters().get(s.clusterName);
            if (c != null) {
                c.setHosts(hosts);
            }
            s.instances = List.copyOf(instances);
        }
        s.first.countDown();
        log.info("sub {}: {} hosts {}", s.id.key, hosts.size(), hosts);
    }

    /** Unsubscribes: stops the watch, removes the route and the cluster. */
    public Outcome unsub(ServiceRequest r) {
        Subscription s;
        synchronized (this) {
            checkOpen();
            s = subscriptions.remove(new Id(registryUri(r), r.key()));
            if (s == null) {
                return Outcome.DONE;
            }
            engine.routes().remove(s.routeName);
            engine.clusters().remove(s.clusterName);
        }
        if (s.handle != null) {
            s.handle.close();
        }
        log.info("unsub {}: route and cluster removed", s.id.key);
        return Outcome.DONE;
    }

    // ------------------------------------------------------------------ listing

    /** Current publications and subscriptions, for {@code GET /registrations}. */
    public synchronized Map<String, Object> registrations() {
        List<Map<String, Object>> pubs = new ArrayList<>();
        for (Publication p : publications.values()) {
            Map<String, Object> m = describe(p.id);
            m.put("advertised", p.instance.address());
            m.put("application", settings.appHost() + ":" + p.appPort);
            m.put("route", p.routeName);
            m.put("state", p.drain == null ? "published" : "draining");
            if (p.instance.parameters().containsKey("methods")) {
                m.put("methods", List.of(p.instance.parameters().get("methods").split(",")));
            }
            pubs.add(m);
        }
        List<Map<String, Object>> subs = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            Map<String, Object> m = describe(s.id);
            m.put("cluster", s.clusterName);
            m.put("route", s.routeName);
            List<String> hosts = new ArrayList<>();
            List<ServiceInstance> current = s.instances;
            if (current != null) {
                current.forEach(i -> hosts.add(i.address()));
            }
            m.put("hosts", hosts);
            m.put("state", current == null ? "waiting-for-registry" : "subscribed");
            subs.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("publications", pubs);
        out.put("subscriptions", subs);
        return out;
    }

    private static Map<String, Object> describe(Id id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("registry", id.registry);
        m.put("protocol", id.key.protocol());
        m.put("service", id.key.service());
        m.put("group", id.key.group());
        m.put("version", id.key.version());
        return m;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Unsubscribes everything, unregisters every publication and closes the registries (and an embedded server). */
    @Override
    public void close() {
        List<Subscription> subs;
        List<Registry> regs;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            subs = new ArrayList<>(subscriptions.values());
            regs = new ArrayList<>(registries.values());
            for (Publication p : publications.values()) {
                if (p.drain != null) {
                    p.drain.cancel(false);
                }
            }
        }
        for (Subscription s : subs) {
            if (s.handle != null) {
                s.handle.close();
            }
        }
        timers.shutdownNow();
        for (Registry r : regs) {
            try {
                r.close(); // removes every registration of this registry
            } catch (RuntimeException e) {
                log.warn("closing registry", e);
            }
        }
    }

    // ------------------------------------------------------------------ helpers (under this)

    private void checkOpen() {
        if (closed) {
            throw new BadRequestException(503, null, "xmesh is shutting down");
        }
    }

    private void checkProtocol(ServiceKey key) {
        if (!plugins.names(PluginKind.PROTOCOL).contains(key.protocol())) {
            throw new BadRequestException("protocol", "no protocol plugin '" + key.protocol() + "' (known: "
                    + plugins.names(PluginKind.PROTOCOL) + ")");
        }
    }

    private String registryUri(ServiceRequest r) {
        String uri = r.registry() != null ? r.registry() : defaultRegistry;
        if (uri == null) {
            throw new BadRequestException(r.mosnShape() ? "registry.addr" : "registry",
                    "missing, and xmesh has no registry configured");
        }
        return uri;
    }

    /** The registry for {@code uri}, created and started on first use. */
    private Registry registry(String uri, String field) {
        Registry r = registries.get(uri);
        if (r != null) {
            return r;
        }
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, "not a valid registry address: " + uri);
        }
        if (parsed.getScheme() == null || !plugins.names(PluginKind.REGISTRY).contains(parsed.getScheme())) {
            throw new BadRequestException(field, "no registry plugin for '" + parsed.getScheme() + "' (known: "
                    + plugins.names(PluginKind.REGISTRY) + ")");
        }
        RegistryFactory f = plugins.instance(PluginKind.REGISTRY, parsed.getScheme(), RegistryFactory.class);
        try {
            r = f.create(parsed);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, e.getMessage());
        }
        try {
            r.start();
        } catch (RuntimeException e) {
            try {
                r.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new BadRequestException(502, field, "registry " + uri + " could not start: " + e.getMessage());
        }
        registries.put(uri, r);
        log.info("registry {} started", uri);
        return r;
    }

    private String ingressListener() {
        if (settings.ingressListener() != null) {
            return settings.ingressListener();
        }
        for (ListenerConfig l : engine.config().listeners()) {
            if (l.role() == Role.INGRESS) {
                return l.name();
            }
        }
        throw new BadRequestException(409, null, "no ingress listener is configured (a listener with role: ingress)");
    }

    private List<String> egressListeners() {
        if (!settings.egressListeners().isEmpty()) {
            return settings.egressListeners();
        }
        List<String> out = new ArrayList<>();
        for (ListenerConfig l : engine.config().listeners()) {
            if (l.role() == Role.EGRESS) {
                out.add(l.name());
            }
        }
        if (out.isEmpty()) {
            throw new BadRequestException(409, null, "no egress listener is configured (a listener with role: egress)");
        }
        return out;
    }

    private String advertiseHost(String ingress, InetSocketAddress bound) {
        if (settings.advertiseHost() != null) {
            return settings.advertiseHost();
        }
        InetAddress a = bound.getAddress();
        if (a != null && !a.isAnyLocalAddress()) {
            return a.getHostAddress();
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
                for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
                    if (ia instanceof Inet4Address && !ia.isLoopbackAddress() && !ia.isLinkLocalAddress()) {
                        return ia.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            log.debug("listing interfaces", e);
        }
        return "127.0.0.1";
    }

    private static String appCluster(String protocol, int port) {
        return "local-app:" + protocol + ":" + port;
    }

    private void acquireAppCluster(String name, String protocol, int port) {
        Integer n = appClusterRefs.get(name);
        if (n == null) {
            engine.clusters().upsert(ClusterConfig.of(name, protocol, List.of(new HostSpec(settings.appHost(), port)),
                    LbPolicy.ROUND_ROBIN));
            n = 0;
        }
        appClusterRefs.put(name, n + 1);
    }

    private void releaseAppCluster(String name) {
        Integer n = appClusterRefs.get(name);
        if (n == null) {
            return;
        }
        if (n <= 1) {
            appClusterRefs.remove(name);
            engine.clusters().remove(name);
        } else {
            appClusterRefs.put(name, n - 1);
        }
    }

    /**
     * Route conditions for a service: exact service; version exact, or "" / "0.0.0" (what Dubbo sends when none is
     * set) for an unversioned service; group exact, or absent/empty for an ungrouped one.
     */
    static List<HeaderMatch> matchers(ServiceKey key) {
        List<HeaderMatch> m = new ArrayList<>();
        m.add(new HeaderMatch(RoutingHeaders.SERVICE, MatchKind.EXACT, key.service(), false));
        if (key.version().isEmpty()) {
            m.add(new HeaderMatch(RoutingHeaders.VERSION, MatchKind.REGEX, "(0\\.0\\.0)?", false));
        } else if (!key.version().equals("*")) {
            m.add(new HeaderMatch(RoutingHeaders.VERSION, MatchKind.EXACT, key.version(), false));
        }
        if (key.group().isEmpty()) {
            m.add(new HeaderMatch(RoutingHeaders.GROUP, MatchKind.REGEX, ".+", true));
        } else if (!key.group().equals("*")) {
            m.add(new HeaderMatch(RoutingHeaders.GROUP, MatchKind.EXACT, key.group(), false));
        }
        return m;
    }

    private Outcome await(CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().get(settings.registryWait().toMillis(), TimeUnit.MILLISECONDS);
            return Outcome.DONE;
        } catch (TimeoutException e) {
            return Outcome.PENDING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.PENDING;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.util.concurrent.CancellationException) {
                return Outcome.DONE; // superseded by a later call
            }
            throw new BadRequestException(502, "registry", "the registry refused: " + e.getCause());
        }
    }

    /** A service in a registry. */
    private record Id(String registry, ServiceKey key) {
        /** Name used for routes and clusters. */
        String name() {
            return key.toString() + (registry == null ? "" : "@" + registry);
        }
    }

    private static final class Publication {
        final Id id;
        final Registry registry;
        final ServiceInstance instance;
        final String appCluster;
        final String routeName;
        final int appPort;
        ScheduledFuture<?> drain; // guarded by LocalDiscovery.this

        Publication(Id id, Registry registry, ServiceInstance instance, String appCluster, String routeName, int appPort) {
            this.id = id;
            this.registry = registry;
            this.instance = instance;
            this.appCluster = appCluster;
            this.routeName = routeName;
            this.appPort = appPort;
        }
    }

    private static final class Subscription {
        final Id id;
        final String clusterName;
        final String routeName;
        final CountDownLatch first = new CountDownLatch(1);
        volatile Registry.Subscription handle;
        volatile List<ServiceInstance> instances;

        Subscription(Id id, String clusterName, String routeName) {
            this.id = id;
            this.clusterName = clusterName;
            this.routeName = routeName;
        }
    }
}
