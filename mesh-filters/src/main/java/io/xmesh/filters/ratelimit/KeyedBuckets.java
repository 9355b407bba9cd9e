package io.xmesh.filters.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Token buckets by key (route, service and method, caller...) in a bounded {@link ConcurrentHashMap}.
 *
 * <h2>Bound and eviction</h2>
 * At most about {@code maxKeys} buckets are kept (concurrent first requests for new keys may overshoot by
 * the number of threads). When the map is full, a sweep (at most one every {@code sweepIntervalNanos}, run
 * by whichever thread wins a compare-and-set) removes buckets that are full again: forgetting a full bucket
 * changes nothing, as a new one starts full. If the map is still full, a new key shares one overflow bucket
 * with the same rate and burst, so memory stays bounded and the limit still applies, only more coarsely;
 * {@link #overflowed()} counts these requests.
 *
 * <p>Thread-safe; lookups of known keys are lock-free; creating a bucket takes the map's short per-bin
 * lock. Never blocks for long; safe on event loops.
 */
final class KeyedBuckets {

    /** Creates the bucket for a key. */
    interface BucketFactory {
        TokenBucket create(String key, long nowNanos);
    }

    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final int maxKeys;
    private final long sweepIntervalNanos;
    private final BucketFactory factory;
    private final TokenBucket overflow;
    private final AtomicLong lastSweep;
    private final LongAdder overflowed = new LongAdder();

    KeyedBuckets(int maxKeys, long sweepIntervalNanos, BucketFactory factory, TokenBucket overflow, long nowNanos) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.maxKeys = maxKeys;
        this.sweepIntervalNanos = sweepIntervalNanos;
        this.factory = factory;
        this.overflow = overflow;
        this.lastSweep = new AtomicLong(nowNanos - sweepIntervalNanos);
    }

    /** The bucket for {@code key}, created if needed (or the overflow bucket, see the class comment). */
    TokenBucket bucket(String key, long nowNanos) {
        TokenBucket b = buckets.get(key);
        if (b != null) {
            return b;
        }
        if (buckets.size() >= maxKeys) {
            sweep(nowNanos);
            if (buckets.size() >= maxKeys) {
                overflowed.increment();
                return overflow;
            }
        }
        return buckets.computeIfAbsent(key, k -> factory.create(k, nowNanos));
    }

    /** Removes full buckets, unless another sweep ran less than the sweep interval ago. */
    void sweep(long nowNanos) {
        long last = lastSweep.get();
        if (nowNanos - last < sweepIntervalNanos || !lastSweep.compareAndSet(last, nowNanos)) {
            return;
        }
        buckets.values().removeIf(bucket -> bucket.isFull(nowNanos));
    }

    /** Buckets currently kept. */
    int size() {
        return buckets.size();
    }

    /** Requests that used the overflow bucket because the map was full. */
    long overflowed() {
        return overflowed.sum();
    }
}
