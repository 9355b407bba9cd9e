package io.xmesh.bootstrap.lb;

import io.xmesh.bootstrap.config.XmeshConfig.LbPolicy;

import java.util.List;

/**
 * Picks an upstream host for a request. One instance is built for each published host set of a
 * cluster (so it may precompute over an immutable list) and is then used by every event loop at
 * once: implementations are thread-safe and lock-free, and never block.
 *
 * @param <H> host type
 */
public interface LoadBalancer<H extends LbHost> {

    /**
     * @param hashValue value of the route's or cluster's hash header, for consistent hashing (may be null)
     * @param exclude   a host not to pick if another is available (the one a retry is moving away from), or null
     * @param nowNanos  {@link System#nanoTime()}
     * @return an available host, or null when none is available
     */
    H choose(String hashValue, H exclude, long nowNanos);

    /** Builds the balancer for {@code policy} over {@code hosts} (an immutable list). */
    static <H extends LbHost> LoadBalancer<H> create(LbPolicy policy, List<H> hosts) {
        return switch (policy) {
            case ROUND_ROBIN -> new RoundRobinBalancer<>(hosts);
            case RANDOM -> new RandomBalancer<>(hosts);
            case LEAST_REQUEST -> new LeastRequestBalancer<>(hosts);
            case CONSISTENT_HASH -> new ConsistentHashBalancer<>(hosts, ConsistentHashBalancer.DEFAULT_VIRTUAL_NODES);
            case WEIGHTED -> new WeightedRoundRobinBalancer<>(hosts);
        };
    }

    /** Whether {@code h} may be picked: available, weighted, and not excluded unless it is the only choice. */
    static boolean eligible(LbHost h, LbHost exclude, long now) {
        return h != exclude && h.weight() > 0 && h.isAvailable(now);
    }
}
