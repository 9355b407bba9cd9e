package io.xmesh.filters.tracing;

import com.google.auto.service.AutoService;
import io.xmesh.filters.internal.Settings;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link TracingFilter}s. Configuration (see {@code docs/filters.md}):
 * <pre>
 * generate: true          # give requests without a trace context a new one (default true)
 * inject: [w3c]           # formats added to the upstream request: w3c, b3, b3-single (default [w3c])
 * sampled: true           # sampled flag of generated contexts (default true)
 * </pre>
 */
@XmeshPlugin(name = "tracing", order = 100, description = "Reads W3C/B3/SkyWalking trace context, generates one when absent")
@AutoService(StreamFilterFactory.class)
public final class TracingFilterFactory implements StreamFilterFactory {

    /** Public no-argument constructor for {@link java.util.ServiceLoader}; no side effects. */
    public TracingFilterFactory() {
    }

    /** Called off the event loops at startup; returns a thread-safe filter. */
    @Override
    public StreamFilter create(Map<String, Object> config) {
        Settings s = Settings.of("tracing", config).allowOnly("generate", "inject", "sampled");
        boolean generate = s.bool("generate", true);
        boolean sampled = s.bool("sampled", true);
        Set<TracingFilter.Format> formats = EnumSet.noneOf(TracingFilter.Format.class);
        for (String f : s.strings("inject", List.of("w3c"))) {
            String norm = f.trim().toLowerCase(Locale.ROOT);
            switch (norm) {
                case "w3c" -> formats.add(TracingFilter.Format.W3C);
                case "b3" -> formats.add(TracingFilter.Format.B3);
                case "b3-single" -> formats.add(TracingFilter.Format.B3_SINGLE);
                default -> throw new IllegalArgumentException(s.key("inject") + ": unknown format '" + f
                        + "' (w3c, b3, b3-single)");
            }
        }
        if (generate && formats.isEmpty()) {
            throw new IllegalArgumentException(s.key("inject") + ": must name at least one format when generate is true");
        }
        return TracingFilter.withRandomIds(generate, formats, sampled);
    }
}
