package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.xmesh.bootstrap.config.XmeshConfig.PluginRef;
import io.xmesh.xprotocol.filter.StreamFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Exports the counters of stream filters ({@link StreamFilter#counters()}) as Micrometer counters
 * {@code xmesh.filter.events} tagged {@code filter} (plugin name), {@code event} (counter name), {@code position}
 * (index in the filter list) and {@code listener} or {@code route}. Called off the event loops when listeners and
 * routes are created.
 */
final class FilterMeters {

    private FilterMeters() {
    }

    /**
     * Registers the counters of {@code filters} (created from {@code refs}, same order).
     *
     * @param scope     {@code listener} or {@code route}
     * @param scopeName the listener's or route's name
     * @return the meters, to remove when the filters go away
     */
    static List<Meter> register(MeterRegistry registry, String scope, String scopeName, List<PluginRef> refs,
                                List<StreamFilter> filters) {
        List<Meter> meters = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            Map<String, LongSupplier> counters;
            try {
                counters = filters.get(i).counters();
            } catch (RuntimeException e) {
                continue; // a filter without working counters just has no metrics
            }
            for (Map.Entry<String, LongSupplier> c : counters.entrySet()) {
                LongSupplier value = c.getValue();
                // the meter holds the filter weakly (it lives as long as its listener or route) and the
                // supplier through the function
                meters.add(FunctionCounter.builder("xmesh.filter.events", filters.get(i), f -> value.getAsLong())
                        .description("Events counted by a stream filter (e.g. rate-limit limited, access-log dropped)")
                        .tag("filter", refs.get(i).name()).tag("event", c.getKey())
                        .tag("position", Integer.toString(i)).tag(scope, scopeName)
                        .register(registry));
            }
        }
        return meters;
    }
}
