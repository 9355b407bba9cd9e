package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.xmesh.bootstrap.cluster.CircuitBreaker;
import io.xmesh.bootstrap.cluster.OutlierDetector;
import io.xmesh.bootstrap.config.HostSpec;
import io.xmesh.bootstrap.config.XmeshConfig.CircuitBreakerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.EjectionConfig;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.bootstrap.lb.LoadBalancer;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.XProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An upstream cluster: settings, the current set of {@link Host}s and its load balancer.
 *
 * <h2>Threading</h2>
 * Event loops read the cluster on every request through one volatile read of an immutable
 * {@link HostSet}; writers ({@link #setHosts}, {@link #reconfigure}, called from any thread, for
 * example a registry listener) build a new set and publish it. Writers are serialised with the
 * cluster's monitor; readers never lock. Hosts that leave the set are marked removed and every
 * event loop is told to retire its connections to them (in-flight requests finish first).
 */
public final class Cluster {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    /** An immutable published host set with its balancer. */
    record HostSet(List<Host> hosts, LoadBalancer<Host> balancer) {
    }

    private final String name;
    private final String protocolName;
    private final XProtocol protocol;
    private final MeterRegistry registry;
    private final Consumer<List<Host>> onRemoved;
    private volatile ClusterConfig config;
    private volatile HostSet set;

    final Counter requests;
    final Counter retries;
    final Timer latency;
    private final Map<ErrorKind, Counter> errors = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private final OutlierDetector outliers;
    private final List<Meter> policyMeters = new ArrayList<>();

    Cluster(ClusterConfig config, XProtocol protocol, MeterRegistry registry, Consumer<List<Host>> onRemoved) {
        this.name = config.name();
        this.protocolName = config.protocol();
        this.protocol = protocol;
        this.registry = registry;
        this.onRemoved = onRemoved;
        this.config = config;
        this.set = new HostSet(List.of(), LoadBalancer.create(config.lb(), List.of()));
        requests = Counter.builder("xmesh.cluster.requests").description("Requests routed to the cluster").tag("cluster", name).register(registry);
        retries = Counter.builder("xmesh.cluster.retries").description("Retries to another host of the cluster").tag("cluster", name).register(registry);
        latency = Timer.builder("xmesh.cluster.request.duration").description("Request duration, from arrival to the answer, for the cluster").tag("cluster", name).register(registry);
        breaker = new CircuitBreaker(name, limits(config.circuitBreaker()));
        outliers = new OutlierDetector(name, outlierSettings(config.ejection()), System.nanoTime(),
                (h, why) -> log.warn("{}", why));
        registerPolicyMeters();
        setHosts(config.hosts());
    }

    private static CircuitBreaker.Limits limits(CircuitBreakerConfig c) {
        return new CircuitBreaker.Limits(c.maxConnections(), c.maxPendingRequests(), c.maxRequests(), c.maxRetries());
    }

    private static OutlierDetector.Settings outlierSettings(EjectionConfig e) {
        return new OutlierDetector.Settings(e.consecutiveFailures(), e.ejectOnConnectFailure(), e.errorRatePercent(),
                e.errorRateMinimumRequests(), e.interval(), e.baseEjectionTime(), e.maxEjectionTime(),
                e.maxEjectionPercent());
    }

    private void registerPolicyMeters() {
        for (CircuitBreaker.Resource r : CircuitBreaker.Resource.values()) {
            String resource = r.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            policyMeters.add(Gauge.builder("xmesh.cluster.circuit.breaker.in.use", breaker, b -> b.inUse(r))
                    .description("Resources in use under the cluster's circuit breaker").tag("cluster", name)
                    .tag("resource", resource).register(registry));
            policyMeters.add(FunctionCounter.builder("xmesh.cluster.circuit.breaker.refused", breaker, b -> b.refusedCount(r))
                    .description("Requests or connections refused by the cluster's circuit breaker").tag("cluster", name)
                    .tag("resource", resource).register(registry));
        }
        policyMeters.add(Gauge.builder("xmesh.cluster.outlier.ejected.hosts", outliers, OutlierDetector::ejectedCount)
                .description("Hosts of the cluster ejected now (or probing after an ejection)").tag("cluster", name).register(registry));
        policyMeters.add(FunctionCounter.builder("xmesh.cluster.outlier.ejections", outliers, OutlierDetector::ejectionCount)
                .description("Ejections of hosts of the cluster").tag("cluster", name).register(registry));
        policyMeters.add(FunctionCounter.builder("xmesh.cluster.outlier.ejections.skipped", outliers, OutlierDetector::ejectionsSkippedCount)
                .description("Ejections not done because maxEjectionPercent of the cluster was ejected already").tag("cluster", name).register(registry));
    }

    /** The cluster-wide circuit breaker (limits on connections, pending and in-flight requests, retries). */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** The cluster's outlier detector: which hosts are ejected. */
    public OutlierDetector outliers() {
        return outliers;
    }

    /** The cluster's name. */
    public String name() {
        return name;
    }

    /** The protocol spoken to the hosts. */
    public String protocolName() {
        return protocolName;
    }

    /** The protocol plugin, or null for the {@code tcp} pseudo-protocol. */
    public XProtocol protocol() {
        return protocol;
    }

    /** Current settings. The hosts in it are the configured ones; see {@link #hosts()} for the live set. */
    public ClusterConfig config() {
        return config;
    }

    /** The current hosts (immutable snapshot). */
    public List<Host> hosts() {
        return set.hosts();
    }

    /**
     * Replaces the settings. The protocol cannot change. Hosts are set to {@code newConfig.hosts()}.
     * Thread-safe; any thread.
     */
    public synchronized void reconfigure(ClusterConfig newConfig) {
        if (!Objects.equals(newConfig.protocol(), protocolName)) {
            throw new IllegalArgumentException("cluster '" + name + "' speaks " + protocolName
                    + "; its protocol cannot change to " + newConfig.protocol() + " (remove and add it instead)");
        }
        this.config = newConfig;
        breaker.limits(limits(newConfig.circuitBreaker()));
        outliers.settings(outlierSettings(newConfig.ejection()));
        setHosts(newConfig.hosts());
    }

    /**
     * Replaces the set of hosts (the full set, not a delta). Hosts keep their health and counters
     * when their address stays; new weights apply at once. Safe from any thread (e.g. a registry
     * listener); never call it on an event loop with a large set, as it rebuilds the balancer.
     */
    public synchronized void setHosts(List<HostSpec> specs) {
        Map<String, Host> old = new LinkedHashMap<>();
        for (Host h : set.hosts()) {
            old.put(h.address(), h);
        }
        List<Host> next = new ArrayList<>(specs.size());
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (HostSpec s : specs) {
            if (seen.put(s.address(), Boolean.TRUE) != null) {
                continue;
            }
            Host h = old.remove(s.address());
            if (h == null) {
                h = new Host(this, s, registry);
            } else {
                h.weight(s.weight());
            }
            next.add(h);
        }
        List<Host> nextHosts = List.copyOf(next);
        this.set = new HostSet(nextHosts, LoadBalancer.create(config.lb(), nextHosts));
        if (!old.isEmpty()) {
            List<Host> removed = List.copyOf(old.values());
            removed.forEach(Host::markRemoved);
            onRemoved.accept(removed);
        }
        log.debug("cluster {} hosts: {}", name, nextHosts);
    }

    /** Removes every host (the cluster is being deleted). */
    synchronized void removeAll() {
        setHosts(List.of());
        registry.remove(requests);
        registry.remove(retries);
        registry.remove(latency);
        errors.values().forEach(registry::remove);
        policyMeters.forEach(registry::remove);
    }

    /**
     * Picks a host. Called on event loops.
     *
     * @return an available host, or null
     */
    Host choose(String hashValue, Host exclude, long now) {
        return set.balancer().choose(hashValue, exclude, now);
    }

    /** Why no host could be chosen, for the error message. */
    String describeNoHost() {
        List<Host> hosts = set.hosts();
        if (hosts.isEmpty()) {
            return "xmesh: cluster '" + name + "' has no hosts";
        }
        return "xmesh: no healthy host in cluster '" + name + "' (all " + hosts.size() + " hosts ejected after failures)";
    }

    void countError(ErrorKind kind) {
        errors.computeIfAbsent(kind, k -> Counter.builder("xmesh.cluster.errors")
                .description("Requests of the cluster answered by xmesh with an error")
                .tag("cluster", name).tag("error", k.name().toLowerCase(java.util.Locale.ROOT)).register(registry)).increment();
    }

    /** Errors by kind, for the admin API. */
    public Map<String, Long> errorCounts() {
        Map<String, Long> m = new java.util.TreeMap<>();
        errors.forEach((k, c) -> m.put(k.name().toLowerCase(java.util.Locale.ROOT), (long) c.count()));
        return m;
    }

    /** Requests routed to this cluster so far. */
    public long requestCount() {
        return (long) requests.count();
    }

    @Override
    public String toString() {
        return name;
    }
}
