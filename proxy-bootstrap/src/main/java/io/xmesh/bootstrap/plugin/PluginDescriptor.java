package io.xmesh.bootstrap.plugin;

import io.xmesh.xprotocol.plugin.PluginKind;

/**
 * A discovered plugin provider, described without constructing or initialising it.
 *
 * @param kind        which SPI it implements
 * @param name        its {@code @XmeshPlugin} name
 * @param order       its {@code @XmeshPlugin} order
 * @param className   the provider class
 * @param source      where the class came from: a jar or a directory, as a path string
 * @param description its {@code @XmeshPlugin} description
 */
public record PluginDescriptor(PluginKind kind, String name, int order, String className, String source,
                               String description) {
}
