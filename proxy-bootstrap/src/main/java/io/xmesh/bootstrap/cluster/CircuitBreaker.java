package io.xmesh.bootstrap.cluster;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-cluster limits on resources in use, shared by every event loop: open upstream connections, requests
 * waiting for a connection, requests in flight, and retries in flight. A request that would exceed a limit is
 * refused at once (the engine answers {@code ErrorKind.OVERLOADED} with {@link #refusal}) instead of being
 * queued without bound.
 *
 * <h2>Use</h2>
 * Every successful {@link #tryAcquire} must be matched by exactly one {@link #release} of the same resource
 * (for example: a request in {@code complete()}, a connection when its channel closes). Nothing is
 * allocated per call.
 *
 * <h2>Threading</h2>
 * Thread-safe and lock-free (one compare-and-set loop per acquire); any thread, including event loops.
 * {@link #limits(Limits)} may be called from any thread; lowering a limit refuses new acquisitions until the
 * count falls below it, it never revokes what was granted.
 */
public final class CircuitBreaker {

    /** A limited resource. */
    public enum Resource {
        /** Upstream connections open (or opening) to the cluster's hosts, over all event loops. */
        CONNECTIONS("max-connections", "connections open"),
        /** Requests waiting for an upstream connection. */
        PENDING_REQUESTS("max-pending-requests", "requests waiting for a connection"),
        /** Requests in flight to the cluster (from dispatch to completion). */
        REQUESTS("max-requests", "requests in flight"),
        /** Retries in flight (a retry holds one until its request completes). */
        RETRIES("max-retries", "retries in flight");

        private final String key;
        private final String what;

        Resource(String key, String what) {
            this.key = key;
            this.what = what;
        }

        /** The configuration key of the limit. */
        public String key() {
            return key;
        }
    }

    /**
     * The limits; each at least 0 (0 refuses everything of that kind).
     *
     * @param maxConnections     upstream connections, all hosts and event loops together
     * @param maxPendingRequests requests waiting for a connection
     * @param maxRequests        requests in flight
     * @param maxRetries         retries in flight
     */
    public record Limits(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {

        /**
         * Defaults: 4096 connections, 4096 pending, 10000 requests, 64 retries. Deliberately high, so that they
         * only stop runaway situations; set real limits per cluster.
         */
        public static final Limits DEFAULT = new Limits(4096, 4096, 10_000, 64);

        public Limits {
            if (maxConnections < 0 || maxPendingRequests < 0 || maxRequests < 0 || maxRetries < 0) {
                throw new IllegalArgumentException("circuit breaker limits must be >= 0");
            }
        }

        /** The limit of {@code r}. */
        public int max(Resource r) {
            return switch (r) {
                case CONNECTIONS -> maxConnections;
                case PENDING_REQUESTS -> maxPendingRequests;
                case REQUESTS -> maxRequests;
                case RETRIES -> maxRetries;
            };
        }
    }

    private final String cluster;
    private volatile Limits limits;
    private final AtomicInteger[] inUse = new AtomicInteger[Resource.values().length];
    private final LongAdder[] refused = new LongAdder[Resource.values().length];

    /**
     * @param cluster the cluster's name, for messages
     * @param limits  the limits
     */
    public CircuitBreaker(String cluster, Limits limits) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.limits = Objects.requireNonNull(limits, "limits");
        for (int i = 0; i < inUse.length; i++) {
            inUse[i] = new AtomicInteger();
            refused[i] = new LongAdder();
        }
    }

    /**
     * Takes one unit of {@code r} if the limit allows.
     *
     * @return true when granted (then {@link #release} it later); false when the limit is reached (counted)
     */
    public boolean tryAcquire(Resource r) {
        AtomicInteger count = inUse[r.ordinal()];
        int max = limits.max(r);
        for (;;) {
            int c = count.get();
            if (c >= max) {
                refused[r.ordinal()].increment();
                return false;
            }
            if (count.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /**
     * Gives back one unit of {@code r} taken with {@link #tryAcquire}.
     *
     * @throws IllegalStateException if more is released than was acquired (a bug of the caller); the count
     *                               stays at 0
     */
    public void release(Resource r) {
        AtomicInteger count = inUse[r.ordinal()];
        for (;;) {
            int c = count.get();
            if (c <= 0) {
                throw new IllegalStateException("circuit breaker of cluster '" + cluster + "': " + r
                        + " released more often than acquired");
            }
            if (count.compareAndSet(c, c - 1)) {
                return;
            }
        }
    }

    /** Units of {@code r} in use now. */
    public int inUse(Resource r) {
        return inUse[r.ordinal()].get();
    }

    /** Acquisitions of {@code r} refused so far. */
    public long refusedCount(Resource r) {
        return refused[r.ordinal()].sum();
    }

    /** The current limits. */
    public Limits limits() {
        return limits;
    }

    /** Replaces the limits (reconfiguration); any thread. */
    public void limits(Limits newLimits) {
        this.limits = Objects.requireNonNull(newLimits, "limits");
    }

    /**
     * The message of the error answer when {@code r} was refused, e.g.
     * {@code xmesh: circuit breaker open: cluster 'orders' has 1024 requests in flight (max-requests 1024)}.
     */
    public String refusal(Resource r) {
        return "xmesh: circuit breaker open: cluster '" + cluster + "' has " + inUse(r) + " " + r.what + " ("
                + r.key() + " " + limits.max(r) + ")";
    }

    @Override
    public String toString() {
        Limits l = limits;
        return "CircuitBreaker[" + cluster + ": connections " + inUse(Resource.CONNECTIONS) + "/" + l.maxConnections()
                + ", pending " + inUse(Resource.PENDING_REQUESTS) + "/" + l.maxPendingRequests()
                + ", requests " + inUse(Resource.REQUESTS) + "/" + l.maxRequests()
                + ", retries " + inUse(Resource.RETRIES) + "/" + l.maxRetries() + "]";
    }
}
