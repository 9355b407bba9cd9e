package io.xmesh.xprotocol.filter;

import java.util.Map;

/**
 * A filter plugin. Register with {@code @AutoService(StreamFilterFactory.class)} and annotate with
 * {@link io.xmesh.xprotocol.plugin.XmeshPlugin}; configuration names filters by that name.
 *
 * <p>{@link #create} is called by the bootstrap at startup, off the event loops.
 */
public interface StreamFilterFactory {

    /**
     * @param config the filter's settings from configuration, read-only
     * @return a thread-safe filter
     * @throws IllegalArgumentException naming the bad key, for invalid settings
     */
    StreamFilter create(Map<String, Object> config);
}
