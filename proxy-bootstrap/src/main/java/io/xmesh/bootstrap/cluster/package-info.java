/**
 * Cluster-wide resilience policies used by the engine: {@link io.xmesh.bootstrap.cluster.CircuitBreaker}
 * (limits on connections, pending and in-flight requests and retries) and
 * {@link io.xmesh.bootstrap.cluster.OutlierDetector} (ejection of failing hosts). Both are thread-safe objects
 * shared by every event loop, independent of the engine's classes so that they can be tested alone.
 * See {@code docs/filters.md}.
 */
package io.xmesh.bootstrap.cluster;
