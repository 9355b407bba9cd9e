package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.xmesh.bootstrap.config.XmeshConfig.PluginRef;
import io.xmesh.bootstrap.config.XmeshConfig.RouteConfig;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.PluginKind;

import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The routes of the configuration-driven router, in match order: the first route whose
 * listener scope and header conditions hold wins.
 *
 * <h2>Threading</h2>
 * Copy-on-write: event loops read one immutable array per request without locking; writers
 * ({@link #upsert}, {@link #remove}, from any thread, e.g. the local pub/sub API) are serialised and
 * publish a new array. A request is routed with the table as it was when it arrived.
 */
public final class RouteTable {
    private final AtomicReference<RouteIndex> routes = new AtomicReference<>(RouteIndex.EMPTY);
    private final PluginResolver plugins;
    private final MeterRegistry registry;
    /** Meters of each route's filters, by route name; guarded by this. */
    private final java.util.Map<String, List<io.micrometer.core.instrument.Meter>> filterMeters = new java.util.HashMap<>();

    /**
     * An empty table. Public for benchmarks; the engine owns the live one.
     *
     * @param registry meter registry for route and filter meters, or null for none
     */
    public RouteTable(PluginResolver plugins, MeterRegistry registry) {
        this.plugins = plugins;
        this.registry = registry;
    }

    /**
     * Adds a route at the end, or replaces the route with the same name in place (keeping its
     * position). Route filters are created here.
     *
     * @throws IllegalArgumentException for an unknown filter or invalid filter settings
     */
    public synchronized void upsert(RouteConfig config) {
        List<StreamFilter> filters = new ArrayList<>();
        for (PluginRef f : config.filters()) {
            filters.add(plugins.instance(PluginKind.FILTER, f.name(), StreamFilterFactory.class).create(f.config()));
        }
        removeFilterMeters(config.name());
        if (registry != null) {
            filterMeters.put(config.name(), FilterMeters.register(registry, "route", config.name(), config.filters(), filters));
        }
        RouteEntry[] cur = routes.get().entries;
        for (int i = 0; i < cur.length; i++) {
            if (cur[i].route().name().equals(config.name())) {
                RouteEntry[] next = cur.clone();
                next[i] = new RouteEntry(config, filters, registry);
                routes.set(RouteIndex.of(next));
                return;
            }
        }
        RouteEntry[] next = java.util.Arrays.copyOf(cur, cur.length + 1);
        next[cur.length] = new RouteEntry(config, filters, registry);
        routes.set(RouteIndex.of(next));
    }

    /**
     * Inserts a route before every other (e.g. a more specific route added at runtime); replaces
     * one with the same name.
     */
    public synchronized void upsertFirst(RouteConfig config) {
        remove(config.name());
        upsert(config);
        RouteEntry[] cur = routes.get().entries;
        RouteEntry[] next = new RouteEntry[cur.length];
        next[0] = cur[cur.length - 1];
        System.arraycopy(cur, 0, next, 1, cur.length - 1);
        routes.set(RouteIndex.of(next));
    }

    /** Removes a route. @return whether it existed */
    public synchronized boolean remove(String name) {
        RouteEntry[] cur = routes.get().entries;
        for (int i = 0; i < cur.length; i++) {
            if (cur[i].route().name().equals(name)) {
                RouteEntry[] next = new RouteEntry[cur.length - 1];
                System.arraycopy(cur, 0, next, 0, i);
                System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
                routes.set(RouteIndex.of(next));
                removeFilterMeters(name);
                if (registry != null && cur[i].requests != null) {
                    registry.remove(cur[i].requests);
                    registry.remove(cur[i].latency);
                }
                return true;
            }
        }
        return false;
    }

    /** The current compiled routes, in match order (the live array: do not modify). */
    RouteEntry[] entries() {
        return routes.get().entries;
    }

    /** The current routes' configurations, in match order. */
    public List<RouteConfig> routes() {
        List<RouteConfig> l = new ArrayList<>();
        for (RouteEntry e : routes.get().entries) {
            l.add(e.config());
        }
        return l;
    }

    /**
     * The first matching route, or null. Called on event loops for every request (public for
     * benchmarks): a lock-free read of the current array, first match wins.
     *
     * @param frame the request, <b>borrowed</b>
     * @throws io.xmesh.xprotocol.codec.CodecException when a routing header cannot be read
     */
    public RouteEntry match(String listener, XFrame frame) {
        return routes.get().match(listener, frame);
    }

    private void removeFilterMeters(String route) {
        List<io.micrometer.core.instrument.Meter> old = filterMeters.remove(route);
        if (old != null) {
            old.forEach(registry::remove);
        }
    }

    /** Closes the {@link AutoCloseable} filters of every current route (engine shutdown). */
    void closeFilters() {
        for (RouteEntry e : routes.get().entries) {
            closeFilters(e.filters);
        }
    }

    /** Closes the filters that are {@link AutoCloseable}; errors are logged. Off the event loops. */
    static void closeFilters(StreamFilter[] filters) {
        for (StreamFilter f : filters) {
            if (f instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LoggerFactory.getLogger(RouteTable.class).warn("closing filter {} failed", f.getClass().getName(), e);
                }
            }
        }
    }
}
