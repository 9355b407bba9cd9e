package io.xmesh.xprotocol.registry;

import java.net.URI;

/**
 * A registry plugin. Its {@link io.xmesh.xprotocol.plugin.XmeshPlugin#name()} is the URI scheme
 * it handles ({@code zookeeper}); register with {@code @AutoService(RegistryFactory.class)}.
 */
public interface RegistryFactory {

    /**
     * Creates a registry for {@code address} (e.g. {@code zookeeper://127.0.0.1:2181?timeout=3000}).
     * No side effects: nothing connects until {@link Registry#start()}.
     *
     * @throws IllegalArgumentException for an address this plugin cannot use, naming what is wrong
     */
    Registry create(URI address);
}
