package io.xmesh.bootstrap.lb;

/**
 * What a load balancer needs to know about a host. Implementations are thread-safe; the
 * methods are called on event loops for every request and must be cheap.
 */
public interface LbHost {

    /** {@code host:port}, used to place the host on the consistent-hash ring. */
    String address();

    /** Load-balancing weight; 0 means never picked. */
    int weight();

    /** Requests currently in flight to this host (across all event loops). */
    int activeRequests();

    /** Whether the host may receive requests now (not ejected, not removed). */
    boolean isAvailable(long nowNanos);
}
