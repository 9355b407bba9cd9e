package io.xmesh.xprotocol.router;

import java.util.Map;

/**
 * A router plugin. Register with {@code @AutoService(RouterFactory.class)} and annotate with
 * {@link io.xmesh.xprotocol.plugin.XmeshPlugin}. A listener's configuration selects a router by
 * name; without one, the bootstrap's configuration-driven header router is used.
 *
 * <p>{@link #create} is called by the bootstrap at startup and on configuration reload, off the
 * event loops; it may do blocking work (read files), but must not start threads it does not stop.
 */
public interface RouterFactory {

    /**
     * @param config the router's settings from the listener configuration, read-only
     * @return a thread-safe router
     * @throws IllegalArgumentException with a message naming the bad key, for invalid settings
     */
    Router create(Map<String, Object> config);
}
