package io.xmesh.filters.ratelimit;

import io.xmesh.filters.internal.Settings;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.router.Route;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One rule of the {@code rate-limit} filter: which requests it applies to, how it keys buckets, and the
 * rate and burst of each bucket. Immutable configuration plus thread-safe bucket state.
 */
final class RateLimitRule {

    /** What a bucket is per. */
    enum By {
        /** One bucket for all matching requests. */
        GLOBAL,
        /** One bucket per route name. */
        ROUTE,
        /** One bucket per RPC service (HTTP: per authority). */
        SERVICE,
        /** One bucket per RPC service and method (HTTP: per authority and path without query). */
        SERVICE_METHOD,
        /** One bucket per value of a header or Dubbo attachment naming the caller. */
        CALLER
    }

    /** What to do with a request without the caller header, for {@link By#CALLER}. */
    enum Missing {
        /** The rule does not apply to it. */
        SKIP,
        /** All such requests share one bucket. */
        SHARED
    }

    /** A rate and a burst. */
    record Limit(double rate, int burst) {
    }

    private static final String SHARED_KEY = "";

    private final int index;
    private final By by;
    private final String header;
    private final Missing missing;
    private final Limit limit;
    private final Map<String, Limit> overrides;
    private final List<String> routes;
    private final Map<String, String> matchHeaders;
    private final KeyedBuckets buckets;
    private final LongAdder limited = new LongAdder();

    private RateLimitRule(int index, By by, String header, Missing missing, Limit limit, Map<String, Limit> overrides,
                          List<String> routes, Map<String, String> matchHeaders, int maxKeys, long nowNanos) {
        this.index = index;
        this.by = by;
        this.header = header;
        this.missing = missing;
        this.limit = limit;
        this.overrides = overrides;
        this.routes = routes;
        this.matchHeaders = matchHeaders;
        this.buckets = new KeyedBuckets(by == By.GLOBAL ? 1 : maxKeys, Duration.ofMillis(100).toNanos(),
                (key, now) -> {
                    Limit l = overrides.getOrDefault(key, limit);
                    return new TokenBucket(l.rate(), l.burst(), now);
                },
                new TokenBucket(limit.rate(), limit.burst(), nowNanos), nowNanos);
    }

    /** Reads one rule; {@code s} is the rule's map. */
    static RateLimitRule parse(int index, Settings s, int defaultMaxKeys, long nowNanos) {
        s.allowOnly("by", "header", "missing", "rate", "burst", "overrides", "routes", "headers", "maxKeys");
        By by = s.enumValue("by", By.class, By.ROUTE);
        String header = s.string("header", null);
        if (by == By.CALLER && (header == null || header.isEmpty())) {
            throw new IllegalArgumentException(s.key("header") + ": required when by is caller");
        }
        if (by != By.CALLER && header != null) {
            throw new IllegalArgumentException(s.key("header") + ": only used when by is caller");
        }
        Missing missing = s.enumValue("missing", Missing.class, Missing.SKIP);
        Limit limit = parseLimit(s);
        Map<String, Limit> overrides = new LinkedHashMap<>();
        Settings o = s.child("overrides");
        if (o != null) {
            if (by == By.GLOBAL) {
                throw new IllegalArgumentException(s.key("overrides") + ": not used when by is global");
            }
            for (String key : keysOf(o)) {
                Settings one = o.child(key);
                if (one == null) {
                    throw new IllegalArgumentException(o.key(key) + ": must be a map with rate and burst");
                }
                one.allowOnly("rate", "burst");
                overrides.put(key, parseLimit(one));
            }
        }
        List<String> routes = s.strings("routes", List.of());
        Map<String, String> matchHeaders = s.stringMap("headers");
        int maxKeys = s.integer("maxKeys", defaultMaxKeys, 1, 10_000_000);
        return new RateLimitRule(index, by, header, missing, limit, Map.copyOf(overrides), List.copyOf(routes),
                matchHeaders, maxKeys, nowNanos);
    }

    private static List<String> keysOf(Settings o) {
        // Settings keeps insertion order; the keys are read through allowOnly-free access.
        return o.keys();
    }

    private static Limit parseLimit(Settings s) {
        if (!s.has("rate")) {
            throw new IllegalArgumentException(s.key("rate") + ": required (requests per second)");
        }
        double rate = s.number("rate", 0, 0, 1e9);
        if (!(rate > 0)) {
            throw new IllegalArgumentException(s.key("rate") + ": must be positive");
        }
        int defaultBurst = (int) Math.max(1, Math.ceil(rate));
        int burst = s.integer("burst", defaultBurst, 1, 1_000_000_000);
        return new Limit(rate, burst);
    }

    /**
     * The bucket key for this request, or null when the rule does not apply to it. Reads headers of the
     * request through the context (the frame is borrowed by the caller).
     */
    String keyFor(StreamContext ctx) {
        Route route = ctx.route();
        if (!routes.isEmpty() && (route == null || !routes.contains(route.name()))) {
            return null;
        }
        for (Map.Entry<String, String> e : matchHeaders.entrySet()) {
            if (!e.getValue().equals(ctx.requestHeader(e.getKey()))) {
                return null;
            }
        }
        switch (by) {
            case GLOBAL:
                return SHARED_KEY;
            case ROUTE:
                return route == null ? null : route.name();
            case SERVICE: {
                String service = ctx.requestHeader(RoutingHeaders.SERVICE);
                if (service == null) {
                    service = ctx.requestHeader(RoutingHeaders.AUTHORITY);
                }
                return service;
            }
            case SERVICE_METHOD: {
                String service = ctx.requestHeader(RoutingHeaders.SERVICE);
                if (service != null) {
                    String method = ctx.requestHeader(RoutingHeaders.METHOD);
                    return method == null ? service : service + '#' + method;
                }
                String authority = ctx.requestHeader(RoutingHeaders.AUTHORITY);
                String path = ctx.requestHeader(RoutingHeaders.PATH);
                if (authority == null && path == null) {
                    return null;
                }
                if (path != null) {
                    int q = path.indexOf('?');
                    if (q >= 0) {
                        path = path.substring(0, q);
                    }
                }
                return (authority == null ? "" : authority) + (path == null ? "" : path);
            }
            case CALLER: {
                String caller = ctx.requestHeader(header);
                if (caller == null) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (!lower.equals(header)) {
                        caller = ctx.requestHeader(lower);
                    }
                }
                if (caller == null || caller.isEmpty()) {
                    return missing == Missing.SHARED ? SHARED_KEY : null;
                }
                return caller;
            }
            default:
                throw new IllegalStateException(by.name());
        }
    }

    /** @return 0 if admitted, else nanoseconds until a retry may pass */
    long tryAcquire(String key, long nowNanos) {
        long wait = buckets.bucket(key, nowNanos).tryAcquire(nowNanos);
        if (wait > 0) {
            limited.increment();
        }
        return wait;
    }

    /** A short description for the rejection message: {@code route=orders (100/s, burst 200)}. */
    String describe(String key) {
        Limit l = overrides.getOrDefault(key, limit);
        String what = by == By.GLOBAL ? "global" : by.name().toLowerCase(Locale.ROOT).replace('_', '-') + "="
                + (key.isEmpty() ? "(none)" : key);
        return what + " (" + formatRate(l.rate()) + "/s, burst " + l.burst() + ")";
    }

    private static String formatRate(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    int index() {
        return index;
    }

    By by() {
        return by;
    }

    long limited() {
        return limited.sum();
    }

    int keys() {
        return buckets.size();
    }

    long overflowed() {
        return buckets.overflowed();
    }
}
