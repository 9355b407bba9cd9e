package io.xmesh.filters.ratelimit;

import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.filter.FilterResult;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.filter.StreamFilter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The {@code rate-limit} filter: local token buckets, checked rule by rule in configuration order. A request
 * passes when every rule that applies to it has a token; the first rule without one refuses it with
 * {@link ErrorKind#RATE_LIMITED} and the message {@code xmesh: rate limited: <rule> ...; retry after N ms}.
 * Tokens taken from earlier rules for a refused request are not given back (like independent limiters).
 *
 * <p>Sets {@link FilterAttributes#RETRY_AFTER_MILLIS} and {@link FilterAttributes#ERROR_REASON} on a refused
 * request. Thread-safe, lock-free on known keys, never blocks: runs on any event loop.
 */
public final class RateLimitFilter implements StreamFilter {

    private final List<RateLimitRule> rules;
    private final LongSupplier nanoClock;
    private final LongAdder allowed = new LongAdder();
    private final LongAdder limited = new LongAdder();

    RateLimitFilter(List<RateLimitRule> rules, LongSupplier nanoClock) {
        this.rules = List.copyOf(rules);
        this.nanoClock = nanoClock;
    }

    @Override
    public FilterResult onRequest(StreamContext context, XFrame request) {
        long now = nanoClock.getAsLong();
        for (int i = 0; i < rules.size(); i++) {
            RateLimitRule rule = rules.get(i);
            String key = rule.keyFor(context);
            if (key == null) {
                continue;
            }
            long waitNanos = rule.tryAcquire(key, now);
            if (waitNanos > 0) {
                limited.increment();
                long retryMillis = Math.max(1L, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999L));
                String reason = "rate limited: " + rule.describe(key) + "; retry after " + retryMillis + " ms";
                context.attribute(FilterAttributes.RETRY_AFTER_MILLIS, retryMillis);
                context.attribute(FilterAttributes.ERROR_REASON, reason);
                return FilterResult.reject(ErrorKind.RATE_LIMITED, "xmesh: " + reason);
            }
        }
        allowed.increment();
        return FilterResult.CONTINUE;
    }

    /** {@code allowed} and {@code limited}, for the proxy's metrics. */
    @Override
    public Map<String, LongSupplier> counters() {
        return Map.of("allowed", allowed::sum, "limited", limited::sum);
    }

    /** Requests that passed every rule. */
    public long allowedCount() {
        return allowed.sum();
    }

    /** Requests refused. */
    public long limitedCount() {
        return limited.sum();
    }

    /** Requests refused by the rule at {@code index} (configuration order). */
    public long limitedCount(int index) {
        return rules.get(index).limited();
    }

    /** Buckets currently kept by the rule at {@code index}. */
    public int bucketCount(int index) {
        return rules.get(index).keys();
    }

    /** Requests of the rule at {@code index} that shared the overflow bucket because {@code maxKeys} was reached. */
    public long overflowCount(int index) {
        return rules.get(index).overflowed();
    }

    /** Number of rules. */
    public int ruleCount() {
        return rules.size();
    }
}
