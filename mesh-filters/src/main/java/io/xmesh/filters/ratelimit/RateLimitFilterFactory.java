package io.xmesh.filters.ratelimit;

import com.google.auto.service.AutoService;
import io.xmesh.filters.internal.Settings;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Creates {@link RateLimitFilter}s. Configuration (see {@code docs/filters.md}):
 * <pre>
 * rules:                     # checked in order; all that apply must admit the request
 *   - by: route              # global | route | service | service-method | caller
 *     rate: 100              # tokens per second (may be fractional)
 *     burst: 200             # bucket size, default ceil(rate)
 *   - by: caller
 *     header: remote.application   # header / Dubbo attachment naming the caller
 *     missing: skip          # skip (default) | shared
 *     rate: 10
 *     overrides: { billing: { rate: 50, burst: 50 } }
 *     routes: [orders]       # optional: only these routes
 *     headers: { service: com.acme.Orders }   # optional: only requests with these header values
 * maxKeys: 10000            # default bound on buckets per rule (a rule may set its own)
 * </pre>
 * A single rule may also be written without {@code rules:}, its keys at the top level.
 */
@XmeshPlugin(name = "rate-limit", order = 300, description = "Local token-bucket rate limits per route, service/method or caller")
@AutoService(StreamFilterFactory.class)
public final class RateLimitFilterFactory implements StreamFilterFactory {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}; no side effects. */
    public RateLimitFilterFactory() {
    }

    /** Called off the event loops at startup; returns a thread-safe filter. */
    @Override
    public StreamFilter create(Map<String, Object> config) {
        return create(config, System::nanoTime);
    }

    /** As {@link #create(Map)} with the given {@link System#nanoTime()}-like clock (tests). */
    RateLimitFilter create(Map<String, Object> config, LongSupplier nanoClock) {
        Settings s = Settings.of("rate-limit", config);
        long now = nanoClock.getAsLong();
        List<RateLimitRule> rules = new ArrayList<>();
        if (s.has("rules")) {
            s.allowOnly("rules", "maxKeys");
            int maxKeys = s.integer("maxKeys", 10_000, 1, 10_000_000);
            List<Settings> list = s.children("rules");
            if (list.isEmpty()) {
                throw new IllegalArgumentException(s.key("rules") + ": must list at least one rule");
            }
            for (int i = 0; i < list.size(); i++) {
                rules.add(RateLimitRule.parse(i, list.get(i), maxKeys, now));
            }
        } else {
            rules.add(RateLimitRule.parse(0, s, 10_000, now));
        }
        return new RateLimitFilter(rules, nanoClock);
    }
}
