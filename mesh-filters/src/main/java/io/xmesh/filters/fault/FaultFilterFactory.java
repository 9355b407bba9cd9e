package io.xmesh.filters.fault;

import com.google.auto.service.AutoService;
import io.xmesh.filters.internal.Settings;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Creates {@link FaultFilter}s. Configuration (see {@code docs/filters.md}):
 * <pre>
 * match:                       # optional; all given conditions must hold
 *   routes: [orders]
 *   headers: { x-fault: "on" } # exact values of headers / Dubbo attachments
 * abort:
 *   percent: 5                 # 0..100, fractional allowed
 *   error: rejected            # an ErrorKind: rejected (default), overloaded, timeout, upstream-reset, ...
 *   message: injected abort
 * delay:
 *   percent: 10
 *   duration: 200ms            # a number of ms, or 250ms / 1.5s / PT1S; at most 1 hour
 * maxActiveDelays: 10000     # bound on requests held at once
 * </pre>
 */
@XmeshPlugin(name = "fault", order = 400, description = "Fault injection: delay or abort a percentage of matching requests")
@AutoService(StreamFilterFactory.class)
public final class FaultFilterFactory implements StreamFilterFactory {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}; no side effects. */
    public FaultFilterFactory() {
    }

    /** Called off the event loops at startup; returns a thread-safe filter. */
    @Override
    public StreamFilter create(Map<String, Object> config) {
        return create(config, () -> ThreadLocalRandom.current().nextDouble(100d));
    }

    /** As {@link #create(Map)} with a given source of numbers in [0, 100) (tests). */
    FaultFilter create(Map<String, Object> config, DoubleSupplier percentDice) {
        Settings s = Settings.of("fault", config).allowOnly("match", "abort", "delay", "maxActiveDelays");
        List<String> routes = List.of();
        Map<String, String> headers = Map.of();
        Settings match = s.child("match");
        if (match != null) {
            match.allowOnly("routes", "headers");
            routes = match.strings("routes", List.of());
            headers = match.stringMap("headers");
        }
        double abortPercent = 0;
        ErrorKind error = ErrorKind.REJECTED;
        String message = "abort";
        Settings abort = s.child("abort");
        if (abort != null) {
            abort.allowOnly("percent", "error", "message");
            abortPercent = requiredPercent(abort);
            error = abort.enumValue("error", ErrorKind.class, ErrorKind.REJECTED);
            message = abort.string("message", "abort");
        }
        double delayPercent = 0;
        long delayNanos = 0;
        Settings delay = s.child("delay");
        if (delay != null) {
            delay.allowOnly("percent", "duration");
            delayPercent = requiredPercent(delay);
            if (!delay.has("duration")) {
                throw new IllegalArgumentException(delay.key("duration") + ": required");
            }
            Duration d = delay.duration("duration", Duration.ZERO);
            if (d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(delay.key("duration") + ": must be more than 0 and at most 1h, was " + d);
            }
            delayNanos = d.toNanos();
        }
        if (abort == null && delay == null) {
            throw new IllegalArgumentException("fault: configure abort, delay or both");
        }
        int maxActive = s.integer("maxActiveDelays", 10_000, 1, 10_000_000);
        return new FaultFilter(routes, headers, abortPercent, error, message, delayPercent, delayNanos, maxActive,
                percentDice);
    }

    private static double requiredPercent(Settings s) {
        if (!s.has("percent")) {
            throw new IllegalArgumentException(s.key("percent") + ": required (0 to 100)");
        }
        return s.number("percent", 0, 0, 100);
    }
}
