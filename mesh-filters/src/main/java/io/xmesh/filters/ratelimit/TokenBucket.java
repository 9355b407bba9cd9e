package io.xmesh.filters.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket, kept as one {@link AtomicLong}: the "theoretical arrival time" of the
 * generic cell rate algorithm. A token is worth {@code intervalNanos = 1s / rate}; the bucket holds at
 * most {@code burst} tokens. Taking a token moves the arrival time one interval forward (from now, if it
 * lies in the past); the take is refused when the arrival time would run more than {@code burst}
 * intervals ahead of now. Refilling needs no timer and no thread.
 *
 * <p>Thread-safe and non-blocking (a compare-and-set loop); any thread, including event loops.
 * Times are {@link System#nanoTime()} values and compared by difference, so wrap-around is harmless.
 */
final class TokenBucket {

    private final long intervalNanos;
    private final long capacityNanos;
    private final AtomicLong arrival;

    /**
     * @param ratePerSecond tokens added per second, positive (may be fractional: 0.5 = one every 2 s)
     * @param burst         bucket size in tokens, at least 1; a fresh bucket is full
     * @param nowNanos      the current {@link System#nanoTime()}
     */
    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be positive");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
        this.intervalNanos = Math.max(1L, Math.round(1_000_000_000d / ratePerSecond));
        this.capacityNanos = Math.multiplyExact(intervalNanos, (long) burst);
        this.arrival = new AtomicLong(nowNanos);
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when a token was taken; otherwise how many nanoseconds from {@code nowNanos} until one
     * will be available (positive)
     */
    long tryAcquire(long nowNanos) {
        for (;;) {
            long current = arrival.get();
            long base = current - nowNanos > 0 ? current : nowNanos;
            long next = base + intervalNanos;
            long wait = next - nowNanos - capacityNanos;
            if (wait > 0) {
                return wait;
            }
            if (arrival.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    /** Whether the bucket is full at {@code nowNanos}: forgetting it then is the same as keeping it. */
    boolean isFull(long nowNanos) {
        return arrival.get() - nowNanos <= 0;
    }

    /** Tokens available now, rounded down (for tests and diagnostics). */
    long available(long nowNanos) {
        long ahead = arrival.get() - nowNanos;
        if (ahead < 0) {
            ahead = 0;
        }
        return (capacityNanos - ahead) / intervalNanos;
    }
}
