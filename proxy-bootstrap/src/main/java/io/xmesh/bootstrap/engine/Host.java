package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.xmesh.bootstrap.cluster.OutlierDetector;
import io.xmesh.bootstrap.cluster.OutlierDetector.Outcome;
import io.xmesh.bootstrap.config.HostSpec;
import io.xmesh.bootstrap.lb.LbHost;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream host of a {@link Cluster}, shared by every event loop: its address, weight,
 * health (passive ejection with growing backoff) and counters. Each event loop keeps its own
 * connection pool to it; this object holds only thread-safe state (atomics and volatiles).
 *
 * <h2>Health</h2>
 * Outcomes are reported to the cluster's {@link OutlierDetector}, which decides ejections: a
 * connect failure ejects the host at once (unless configured otherwise); {@code consecutiveFailures}
 * failures in a row (upstream resets, timeouts, server-error responses) or a high error rate eject
 * it too, at most {@code maxEjectionPercent} of the cluster at once. The n-th ejection in a row
 * lasts {@code baseEjectionTime * 2^(n-1)}, capped at {@code maxEjectionTime}. When the time is
 * over the host is available again and the next request probes it: a success clears the
 * ejection history, a failure ejects it again for longer.
 */
public final class Host implements LbHost {

    private final Cluster cluster;
    private final HostSpec spec0;
    private final String address;
    private volatile int weight;
    private final AtomicInteger active = new AtomicInteger();
    private final OutlierDetector.HostHealth health;
    private volatile boolean removed;

    final Counter requests;
    final Counter failures;
    final FunctionCounter ejections;
    final Timer latency;
    private final List<Meter> meters;
    private final MeterRegistry registry;

    Host(Cluster cluster, HostSpec spec, MeterRegistry registry) {
        this.cluster = cluster;
        this.spec0 = spec;
        this.address = spec.address();
        this.weight = spec.weight();
        this.registry = registry;
        this.health = cluster.outliers().track(address);
        Tags tags = Tags.of("cluster", cluster.name(), "host", address);
        requests = Counter.builder("xmesh.host.requests").description("Requests sent to the host").tags(tags).register(registry);
        failures = Counter.builder("xmesh.host.failures").description("Connect failures, resets, timeouts and server errors of the host").tags(tags).register(registry);
        ejections = FunctionCounter.builder("xmesh.host.ejections", health, OutlierDetector.HostHealth::ejectionCount)
                .description("Times the host was ejected").tags(tags).register(registry);
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
        return !removed && health.isAvailable(nowNanos);
    }

    /** Whether the host is inside an ejection period now. */
    public boolean isEjected() {
        return health.isEjected(System.nanoTime());
    }

    /** Milliseconds left of the current ejection, 0 when not ejected. */
    public long ejectedForMillis() {
        return TimeUnit.NANOSECONDS.toMillis(health.ejectedForNanos(System.nanoTime()));
    }

    /** Whether the host was removed from its cluster. */
    public boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
        cluster.outliers().forget(health);
        for (Meter m : meters) {
            registry.remove(m);
        }
    }

    /** Failures in a row so far. */
    public int consecutiveFailures() {
        return health.consecutiveFailures();
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
        return health.ejectionCount();
    }

    /** A successful exchange: clears the failure streak and, after a probe, the ejection history. */
    void recordSuccess() {
        cluster.outliers().report(health, Outcome.SUCCESS, System.nanoTime());
    }

    /** A failed exchange (reset, timeout, server error): may eject, as the outlier detector decides. */
    void recordFailure(String why) {
        failures.increment();
        cluster.outliers().report(health, "timeout".equals(why) ? Outcome.TIMEOUT : Outcome.ERROR, System.nanoTime());
    }

    /** A connect failure: ejects at once unless {@code ejectOnConnectFailure} is off. */
    void recordConnectFailure(String why) {
        failures.increment();
        cluster.outliers().report(health, Outcome.CONNECT_FAILURE, System.nanoTime());
    }

    @Override
    public String toString() {
        return address;
    }
}
