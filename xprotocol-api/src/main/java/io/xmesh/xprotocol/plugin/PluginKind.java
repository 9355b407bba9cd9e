package io.xmesh.xprotocol.plugin;

import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.registry.RegistryFactory;
import io.xmesh.xprotocol.router.RouterFactory;

/** The kinds of plugin xmesh discovers, each one SPI interface. */
public enum PluginKind {
    /** Protocol codecs ({@link XProtocol}). */
    PROTOCOL("protocol", XProtocol.class),
    /** Routers ({@link RouterFactory}). */
    ROUTER("router", RouterFactory.class),
    /** Registries ({@link RegistryFactory}). */
    REGISTRY("registry", RegistryFactory.class),
    /** Stream filters ({@link StreamFilterFactory}). */
    FILTER("filter", StreamFilterFactory.class);

    private final String label;
    private final Class<?> spi;

    PluginKind(String label, Class<?> spi) {
        this.label = label;
        this.spi = spi;
    }

    /** Lower-case label used in output and configuration. */
    public String label() {
        return label;
    }

    /** The SPI interface whose {@code META-INF/services} file lists providers of this kind. */
    public Class<?> spi() {
        return spi;
    }
}
