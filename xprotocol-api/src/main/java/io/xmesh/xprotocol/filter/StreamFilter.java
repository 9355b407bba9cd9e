package io.xmesh.xprotocol.filter;

import io.xmesh.xprotocol.codec.XFrame;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A stream filter: sees every request before it is forwarded and every response before it is
 * returned. Rate limiting, circuit breaking, fault injection, tracing, access logs and metrics
 * are filters. Filters run in the order the listener's configuration lists them.
 *
 * <h2>Threading</h2>
 * One instance serves all connections of a listener, called on many event loops at once: it is
 * thread-safe, never blocks, and keeps per-request state in the {@link StreamContext}.
 *
 * <h2>Ownership</h2>
 * Frames are <b>borrowed</b>: read them, set headers on them, never release or keep them.
 */
public interface StreamFilter {

    /**
     * Called when a request has been routed (after {@link StreamContext#route()} is known; the
     * route is null when none matched, and the proxy answers "no route" after the filters).
     *
     * @return {@link FilterResult#CONTINUE}, or a rejection or a delay
     */
    default FilterResult onRequest(StreamContext context, XFrame request) {
        return FilterResult.CONTINUE;
    }

    /** Called with the upstream's response before it is sent to the client. */
    default void onResponse(StreamContext context, XFrame response) {
    }

    /**
     * Called once when the request has ended: answered by the upstream, by the proxy with an
     * error, or ended by a one-way forward. For logs and metrics.
     */
    default void onComplete(StreamContext context) {
    }

    /**
     * Monotonic counters this filter keeps, by name ({@code [a-z0-9_]+}, e.g. {@code limited}), which the
     * proxy exports as metrics (see {@code docs/filters.md}). Called once after {@code create}, off the event
     * loops; the suppliers are then read from any thread at any time, so they must be thread-safe, cheap and
     * never block. Default: none.
     */
    default Map<String, LongSupplier> counters() {
        return Map.of();
    }
}
