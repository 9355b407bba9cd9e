package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.xmesh.bootstrap.config.HostSpec;
import io.xmesh.bootstrap.config.XmeshConfig.EjectionConfig;
import io.xmesh.bootstrap.lb.LbHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream host of a {@link Cluster}, shared by every event loop: its address, weight,
 * health (passive ejection with growing backoff) and counters. Each event loop keeps its own
 * connection pool to it; this object holds only thread-safe state (atomics and volatiles).
 *
 * <h2>Health</h2>
 * A connect failure ejects the host at once; {@code consecutiveFailures} failures in a row
 * (upstream resets, timeouts, server-error responses) eject it too. The n-th ejection in a row
 * lasts {@code baseEjectionTime * 2^(n-1)}, capped at {@code maxEjectionTime}. When the time is
 * over the host is available again and the next request probes it: a success clears the
 * ejection history, a failure ejects it again for longer.
 */
public final class Host implements LbHost {
    private static final Logger log = LoggerFactory.getLogger(Host.class);

    private final Cluster cluster;
    private final HostSpec spec0;
    private final String address;
    private volatile int weight;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger ejectionsInARow = new AtomicInteger();
    private volatile boolean ejected;
    private volatile long ejectedUntilNanos;
    private volatile boolean removed;

    final Counter requests;
    final Counter failures;
    final Counter ejections;
    final Timer latency;
    private final List<Meter> meters;
    private final MeterRegistry registry;

    Host(Cluster cluster, HostSpec spec, MeterRegistry registry) {
        this.cluster = cluster;
        this.spec0 = spec;
        this.address = spec.address();
        this.weight = spec.weight();
        this.registry = registry;
        Tags tags = Tags.of("cluster", cluster.name(), "host", address);
        requests = Counter.builder("xmesh.host.requests").description("Requests sent to the host").tags(tags).register(registry);
        failures = Counter.builder("xmesh.host.failures").description("Connect failures, resets, timeouts and server errors of the host").tags(tags).register(registry);
        ejections = Counter.builder("xmesh.host.ejections").description("Times the host was ejected").tags(tags).register(registry);
        latency = Timer.builder("xmesh.host.request.duration").description("Time from sending a request to the host to its response").tags(tags).register(registry);
        Gauge activeGauge = Gauge.builder("xmesh.host.active.requests", active, AtomicInteger::get).description("Requests in flight to the host").tags(tags).register(registry);
        Gauge healthy = Gauge.builder("xmesh.host.healthy", this, h -> h.isAvailable(System.nanoTime()) ? 1 : 0).description("1 when the host is not ejected").tags(tags).register(registry);
        meters = List.of(requests, failures, ejections, latency, activeGauge, healthy);
    }

    /** The cluster this host belongs to. */
    public Cluster cluster() {
        return cluster;
    }

    /** Host name or IP as configured. */
    public String hostName() {
        return spec0.host();
    }

    /** Port. */
    public int port() {
        return spec0.port();
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public int weight() {
        return weight;
    }

    void weight(int w) {
        this.weight = w;
    }

    @Override
    public int activeRequests() {
        return active.get();
    }

    void requestStarted() {
        active.incrementAndGet();
        requests.increment();
    }

    void requestEnded() {
        active.decrementAndGet();
    }

    @Override
    public boolean isAvailable(long nowNanos) {
        return !removed && (!ejected || nowNanos - ejectedUntilNanos >= 0);
    }

    /** Whether the host is inside an ejection period now. */
    public boolean isEjected() {
        return ejected && System.nanoTime() - ejectedUntilNanos < 0;
    }

    /** Milliseconds left of the current ejection, 0 when not ejected. */
    public long ejectedForMillis() {
        long left = ejectedUntilNanos - System.nanoTime();
        return ejected && left > 0 ? TimeUnit.NANOSECONDS.toMillis(left) : 0;
    }

    /** Whether the host was removed from its cluster. */
    public boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
        for (Meter m : meters) {
            registry.remove(m);
        }
    }

    /** Failures in a row so far. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Requests sent so far. */
    public long requestCount() {
        return (long) requests.count();
    }

    /** Failures so far. */
    public long failureCount() {
        return (long) failures.count();
    }

    /** Ejections so far. */
    public long ejectionCount() {
        return (long) ejections.count();
    }

    /** A successful exchange: clears the failure streak and, after a probe, the ejection history. */
    void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (ejected) {
            ejected = false;
            ejectionsInARow.set(0);
            log.info("host {} of cluster {} answered again; back in rotation", address, cluster.name());
        }
    }

    /** A failed exchange (reset, timeout, server error): ejects after enough in a row. */
    void recordFailure(String why) {
        failures.increment();
        EjectionConfig cfg = cluster.config().ejection();
        if (consecutiveFailures.incrementAndGet() >= cfg.consecutiveFailures()) {
            eject(why + " (" + cfg.consecutiveFailures() + " failures in a row)");
        }
    }

    /** A connect failure: ejects at once. */
    void recordConnectFailure(String why) {
        failures.increment();
        eject(why);
    }

    private synchronized void eject(String why) {
        long now = System.nanoTime();
        if (removed || (ejected && now - ejectedUntilNanos < 0)) {
            return;
        }
        EjectionConfig cfg = cluster.config().ejection();
        int n = ejectionsInARow.incrementAndGet();
        long base = cfg.baseEjectionTime().toNanos();
        long max = cfg.maxEjectionTime().toNanos();
        long d = n >= 31 ? max : Math.min(max, base << (n - 1));
        if (d <= 0) {
            d = max;
        }
        ejectedUntilNanos = now + d;
        ejected = true;
        consecutiveFailures.set(0);
        ejections.increment();
        log.warn("host {} of cluster {} ejected for {} ms: {}", address, cluster.name(), TimeUnit.NANOSECONDS.toMillis(d), why);
    }

    @Override
    public String toString() {
        return address;
    }
}
