package io.xmesh.filters;

/**
 * Names of the {@link io.xmesh.xprotocol.filter.StreamContext} attributes the filters of this module
 * read and write, so that other filters (and the proxy) can share them.
 */
public final class FilterAttributes {

    /** The request's trace id (a lower-case hex {@link String}), set by the {@code tracing} filter. */
    public static final String TRACE_ID = "trace.id";

    /**
     * Where the trace id came from (a {@link String}): {@code traceparent}, {@code b3}, {@code x-b3-traceid},
     * {@code sw8}, or {@code generated}.
     */
    public static final String TRACE_SOURCE = "trace.source";

    /**
     * {@link Boolean#FALSE} when the {@code tracing} filter generated a trace context but the codec could
     * not add it to the upstream request ({@link io.xmesh.xprotocol.codec.XFrame#setHeader} returned false).
     */
    public static final String TRACE_PROPAGATED = "trace.propagated";

    /**
     * A human-readable reason (a {@link String}) a filter gives when it rejects a request; the access log
     * writes it as {@code reason}.
     */
    public static final String ERROR_REASON = "error.reason";

    /**
     * For a request refused by {@code rate-limit}: the time (a {@link Long}, milliseconds, at least 1)
     * after which a retry may pass; a protocol may send it back (HTTP {@code Retry-After}, rounded up to
     * whole seconds).
     */
    public static final String RETRY_AFTER_MILLIS = "rate-limit.retry-after-ms";

    /** Set (to {@link Boolean#TRUE}) by the {@code fault} filter on a request it delayed. */
    public static final String FAULT_DELAYED = "fault.delayed";

    private FilterAttributes() {
    }
}
