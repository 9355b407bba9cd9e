package io.xmesh.bootstrap.engine;

import io.xmesh.xprotocol.plugin.PluginKind;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the engine obtains plugin instances by kind and name. In production this is backed by the
 * plugin catalog ({@code io.xmesh.bootstrap.plugin.PluginCatalog#instance}); tests may pass
 * instances directly. Called off the event loops at startup and when clusters, routes or
 * listeners are added.
 */
public interface PluginResolver {

    /**
     * The single instance of plugin {@code name} of {@code kind}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    <T> T instance(PluginKind kind, String name, Class<T> type);

    /** Names of the plugins of {@code kind}. */
    Set<String> names(PluginKind kind);

    /** A resolver over fixed instances, keyed by kind then name. */
    static PluginResolver of(Map<PluginKind, Map<String, Object>> instances) {
        return new PluginResolver() {
            @Override
            public <T> T instance(PluginKind kind, String name, Class<T> type) {
                Object o = instances.getOrDefault(kind, Map.of()).get(name);
                if (o == null) {
                    throw new IllegalArgumentException("no " + kind.label() + " plugin named '" + name + "' (known: "
                            + names(kind) + ")");
                }
                return type.cast(o);
            }

            @Override
            public Set<String> names(PluginKind kind) {
                return new TreeSet<>(instances.getOrDefault(kind, Map.of()).keySet());
            }
        };
    }
}
