package io.xmesh.filters.fault;

import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.filter.FilterResult;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.router.Route;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The {@code fault} filter: for resilience testing, aborts or delays a configured percentage of the requests
 * that match (by route name and exact header values).
 *
 * <p>For a matching request the abort is drawn first: if it hits, the request is refused with the configured
 * {@link ErrorKind} (the protocol maps it to its own status) and is not delayed. Otherwise the delay is drawn:
 * if it hits, the filter returns {@link FilterResult#delay}, and the proxy holds the request on a timer without
 * blocking the loop. At most {@code maxActiveDelays} requests are held at once (further hits pass without
 * delay and are counted), released in {@link #onComplete}.
 *
 * <p>Thread-safe and non-blocking: runs on any event loop.
 */
public final class FaultFilter implements StreamFilter {

    private final List<String> routes;
    private final Map<String, String> headers;
    private final double abortPercent;
    private final ErrorKind abortError;
    private final String abortMessage;
    private final double delayPercent;
    private final long delayNanos;
    private final int maxActiveDelays;
    private final DoubleSupplier percentDice;

    private final AtomicInteger activeDelays = new AtomicInteger();
    private final LongAdder aborted = new LongAdder();
    private final LongAdder delayed = new LongAdder();
    private final LongAdder delaysSkipped = new LongAdder();

    FaultFilter(List<String> routes, Map<String, String> headers, double abortPercent, ErrorKind abortError,
                String abortMessage, double delayPercent, long delayNanos, int maxActiveDelays,
                DoubleSupplier percentDice) {
        this.routes = List.copyOf(routes);
        this.headers = Map.copyOf(headers);
        this.abortPercent = abortPercent;
        this.abortError = abortError;
        this.abortMessage = abortMessage;
        this.delayPercent = delayPercent;
        this.delayNanos = delayNanos;
        this.maxActiveDelays = maxActiveDelays;
        this.percentDice = percentDice;
    }

    @Override
    public FilterResult onRequest(StreamContext context, XFrame request) {
        if (!matches(context)) {
            return FilterResult.CONTINUE;
        }
        if (abortPercent > 0 && hit(abortPercent)) {
            aborted.increment();
            context.attribute(FilterAttributes.ERROR_REASON, "fault injected: " + abortMessage);
            return FilterResult.reject(abortError, "xmesh: fault injected: " + abortMessage);
        }
        if (delayPercent > 0 && hit(delayPercent)) {
            if (activeDelays.incrementAndGet() > maxActiveDelays) {
                activeDelays.decrementAndGet();
                delaysSkipped.increment();
                return FilterResult.CONTINUE;
            }
            delayed.increment();
            context.attribute(FilterAttributes.FAULT_DELAYED, Boolean.TRUE);
            return FilterResult.delay(delayNanos);
        }
        return FilterResult.CONTINUE;
    }

    @Override
    public void onComplete(StreamContext context) {
        if (context.attribute(FilterAttributes.FAULT_DELAYED) == Boolean.TRUE) {
            context.attribute(FilterAttributes.FAULT_DELAYED, null);
            activeDelays.decrementAndGet();
        }
    }

    private boolean matches(StreamContext context) {
        if (!routes.isEmpty()) {
            Route route = context.route();
            if (route == null || !routes.contains(route.name())) {
                return false;
            }
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (!e.getValue().equals(context.requestHeader(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private boolean hit(double percent) {
        return percent >= 100 || percentDice.getAsDouble() < percent;
    }

    /** {@code aborted}, {@code delayed} and {@code delays_skipped}, for the proxy's metrics. */
    @Override
    public Map<String, LongSupplier> counters() {
        return Map.of("aborted", aborted::sum, "delayed", delayed::sum, "delays_skipped", delaysSkipped::sum);
    }

    /** Requests aborted. */
    public long abortedCount() {
        return aborted.sum();
    }

    /** Requests delayed. */
    public long delayedCount() {
        return delayed.sum();
    }

    /** Delay hits that were not delayed because {@code maxActiveDelays} requests were already held. */
    public long delaysSkippedCount() {
        return delaysSkipped.sum();
    }

    /** Requests held by a delay right now. */
    public int activeDelays() {
        return activeDelays.get();
    }
}
