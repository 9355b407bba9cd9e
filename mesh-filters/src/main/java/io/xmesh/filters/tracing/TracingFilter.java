package io.xmesh.filters.tracing;

import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.filter.FilterResult;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.filter.StreamFilter;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code tracing} filter. On each request it looks for a trace context, in this order: W3C
 * {@code traceparent}; Zipkin {@code b3}; {@code X-B3-TraceId} (also in lower case, as HTTP codecs expose
 * headers); SkyWalking {@code sw8}. These are HTTP headers or Dubbo attachments alike. A context that came
 * in travels upstream unchanged, because the proxy forwards the request's own bytes: the filter only reads it.
 *
 * <p>When none came in (or only invalid ones) and {@code generate} is on, the filter creates a new trace id
 * and span id and adds them to the upstream request with {@link XFrame#setHeader} in the configured
 * {@code inject} formats. A codec may refuse to add headers: then {@link FilterAttributes#TRACE_PROPAGATED}
 * is set to {@code false} and {@link #notPropagatedCount()} counts it.
 *
 * <p>Either way the trace id is stored as {@link FilterAttributes#TRACE_ID} (and its origin as
 * {@link FilterAttributes#TRACE_SOURCE}) for the access log. Thread-safe, non-blocking, any event loop.
 */
public final class TracingFilter implements StreamFilter {

    /** Formats a generated trace context is written in. */
    enum Format {
        /** {@code traceparent: 00-<trace>-<span>-01}. */
        W3C,
        /** {@code X-B3-TraceId}, {@code X-B3-SpanId}, {@code X-B3-Sampled}. */
        B3,
        /** {@code b3: <trace>-<span>-1}. */
        B3_SINGLE
    }

    private static final String TRACEPARENT = "traceparent";
    private static final String B3 = "b3";
    private static final String B3_TRACE_ID = "X-B3-TraceId";
    private static final String B3_TRACE_ID_LOWER = "x-b3-traceid";
    private static final String SW8 = "sw8";

    private final boolean generate;
    private final Set<Format> inject;
    private final boolean sampled;
    private final Supplier<String> traceIds;
    private final Supplier<String> spanIds;

    private final LongAdder continued = new LongAdder();
    private final LongAdder generated = new LongAdder();
    private final LongAdder notPropagated = new LongAdder();
    private final LongAdder untraced = new LongAdder();

    TracingFilter(boolean generate, Set<Format> inject, boolean sampled, Supplier<String> traceIds,
                  Supplier<String> spanIds) {
        this.generate = generate;
        this.inject = Set.copyOf(inject);
        this.sampled = sampled;
        this.traceIds = traceIds;
        this.spanIds = spanIds;
    }

    /** A filter with random ids. */
    static TracingFilter withRandomIds(boolean generate, Set<Format> inject, boolean sampled) {
        return new TracingFilter(generate, inject, sampled, () -> randomHex(2), () -> randomHex(1));
    }

    @Override
    public FilterResult onRequest(StreamContext context, XFrame request) {
        String id = TraceHeaders.traceparentTraceId(header(request, TRACEPARENT));
        String source = TRACEPARENT;
        if (id == null) {
            id = TraceHeaders.b3TraceId(header(request, B3));
            source = B3;
        }
        if (id == null) {
            String multi = header(request, B3_TRACE_ID);
            if (multi == null) {
                multi = header(request, B3_TRACE_ID_LOWER);
            }
            id = TraceHeaders.b3MultiTraceId(multi);
            source = B3_TRACE_ID_LOWER;
        }
        if (id == null) {
            id = TraceHeaders.sw8TraceId(header(request, SW8));
            source = SW8;
        }
        if (id != null) {
            continued.increment();
            context.attribute(FilterAttributes.TRACE_ID, id);
            context.attribute(FilterAttributes.TRACE_SOURCE, source);
            return FilterResult.CONTINUE;
        }
        if (!generate) {
            untraced.increment();
            return FilterResult.CONTINUE;
        }
        String traceId = traceIds.get();
        String spanId = spanIds.get();
        generated.increment();
        context.attribute(FilterAttributes.TRACE_ID, traceId);
        context.attribute(FilterAttributes.TRACE_SOURCE, "generated");
        boolean ok = true;
        String flag = sampled ? "1" : "0";
        if (inject.contains(Format.W3C)) {
            ok &= request.setHeader(TRACEPARENT, "00-" + traceId + "-" + spanId + "-0" + flag);
        }
        if (inject.contains(Format.B3)) {
            ok &= request.setHeader(B3_TRACE_ID, traceId);
            ok &= request.setHeader("X-B3-SpanId", spanId);
            ok &= request.setHeader("X-B3-Sampled", flag);
        }
        if (inject.contains(Format.B3_SINGLE)) {
            ok &= request.setHeader(B3, traceId + "-" + spanId + "-" + flag);
        }
        if (!ok) {
            notPropagated.increment();
            context.attribute(FilterAttributes.TRACE_PROPAGATED, Boolean.FALSE);
        }
        return FilterResult.CONTINUE;
    }

    private static String header(XFrame frame, String name) {
        try {
            return frame.header(name);
        } catch (CodecException e) {
            return null;
        }
    }

    /** {@code longs} random 64-bit words as lower-case hex, never all zero (which W3C and B3 forbid). */
    static String randomHex(int longs) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(longs * 16);
        long any = 0;
        for (int i = 0; i < longs; i++) {
            long v = r.nextLong();
            if (i == longs - 1 && (any | v) == 0) {
                v = 1;
            }
            any |= v;
            String hex = Long.toHexString(v);
            for (int p = hex.length(); p < 16; p++) {
                sb.append('0');
            }
            sb.append(hex);
        }
        return sb.toString();
    }

    /** {@code continued}, {@code generated}, {@code not_propagated} and {@code untraced}, for the proxy's metrics. */
    @Override
    public Map<String, LongSupplier> counters() {
        return Map.of("continued", continued::sum, "generated", generated::sum,
                "not_propagated", notPropagated::sum, "untraced", untraced::sum);
    }

    /** Requests that came with a valid trace context. */
    public long continuedCount() {
        return continued.sum();
    }

    /** Requests given a new trace id. */
    public long generatedCount() {
        return generated.sum();
    }

    /** Generated contexts the codec could not add to the upstream request. */
    public long notPropagatedCount() {
        return notPropagated.sum();
    }

    /** Requests without a trace context, left so ({@code generate: false}). */
    public long untracedCount() {
        return untraced.sum();
    }

    /** The formats written for generated contexts, in a stable order (docs, tests). */
    List<Format> injectFormats() {
        return java.util.Arrays.stream(Format.values()).filter(inject::contains).toList();
    }
}
