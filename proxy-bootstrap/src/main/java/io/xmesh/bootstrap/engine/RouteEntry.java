package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.xmesh.bootstrap.config.XmeshConfig.HeaderMatch;
import io.xmesh.bootstrap.config.XmeshConfig.RouteConfig;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.router.Route;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A compiled route: its SPI {@link Route}, header matchers, route filters and meters. Immutable
 * and thread-safe.
 */
public final class RouteEntry {
    private final RouteConfig config;
    private final Route route;
    private final Set<String> listeners;
    private final String[] headers;
    private final HeaderMatch[] matches;
    private final Pattern[] patterns;
    final StreamFilter[] filters;
    final Counter requests;
    final Timer latency;

    RouteEntry(RouteConfig config, List<StreamFilter> filters, MeterRegistry registry) {
        this.config = config;
        this.route = new Route(config.name(), config.cluster(), config.timeout(), config.retry().toPolicy(),
                config.hashKey(), config.metadata());
        this.listeners = Set.copyOf(config.listeners());
        int n = config.match().size();
        this.headers = new String[n];
        this.matches = config.match().toArray(new HeaderMatch[0]);
        this.patterns = new Pattern[n];
        for (int i = 0; i < n; i++) {
            headers[i] = matches[i].header();
            if (matches[i].kind() == io.xmesh.bootstrap.config.XmeshConfig.MatchKind.REGEX) {
                patterns[i] = Pattern.compile(matches[i].value());
            }
        }
        this.filters = filters.toArray(new StreamFilter[0]);
        this.requests = registry == null ? null : Counter.builder("xmesh.route.requests").description("Requests matched by the route")
                .tag("route", config.name()).register(registry);
        this.latency = registry == null ? null : Timer.builder("xmesh.route.request.duration").description("Request duration for the route")
                .tag("route", config.name()).register(registry);
    }

    /** Wraps a route chosen by a router plugin (no matchers, no route filters, no meters). */
    RouteEntry(Route route) {
        this.config = null;
        this.route = route;
        this.listeners = Set.of();
        this.headers = new String[0];
        this.matches = new HeaderMatch[0];
        this.patterns = new Pattern[0];
        this.filters = new StreamFilter[0];
        this.requests = null;
        this.latency = null;
    }

    /** The route as the SPI sees it. */
    public Route route() {
        return route;
    }

    /** The configuration, or null for a route from a router plugin. */
    public RouteConfig config() {
        return config;
    }

    /** Headers this route requires to equal a value (non-inverted exact conditions), for {@link RouteIndex}. */
    List<String> exactHeaders() {
        List<String> l = new java.util.ArrayList<>();
        for (HeaderMatch m : matches) {
            if (m.kind() == io.xmesh.bootstrap.config.XmeshConfig.MatchKind.EXACT && !m.invert() && !l.contains(m.header())) {
                l.add(m.header());
            }
        }
        return l;
    }

    /** The value a non-inverted exact condition requires of {@code header}, or null when there is none. */
    String exactValue(String header) {
        for (HeaderMatch m : matches) {
            if (m.kind() == io.xmesh.bootstrap.config.XmeshConfig.MatchKind.EXACT && !m.invert() && m.header().equals(header)) {
                return m.value();
            }
        }
        return null;
    }

    /**
     * Whether the request on {@code listener} satisfies every condition.
     *
     * @throws io.xmesh.xprotocol.codec.CodecException when a header cannot be read
     */
    boolean matches(String listener, XFrame frame) {
        if (!listeners.isEmpty() && !listeners.contains(listener)) {
            return false;
        }
        for (int i = 0; i < matches.length; i++) {
            String v = frame.header(headers[i]);
            HeaderMatch m = matches[i];
            boolean ok = switch (m.kind()) {
                case EXACT -> m.value().equals(v);
                case PREFIX -> v != null && v.startsWith(m.value());
                case REGEX -> v != null && patterns[i].matcher(v).matches();
                case PRESENT -> v != null;
            };
            if (ok == m.invert()) {
                return false;
            }
        }
        return true;
    }
}
