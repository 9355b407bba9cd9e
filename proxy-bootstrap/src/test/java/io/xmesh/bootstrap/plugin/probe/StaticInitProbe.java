package io.xmesh.bootstrap.plugin.probe;

import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.Map;

/**
 * A deliberately bad plugin with a static initializer that leaves a trace, to prove that listing
 * plugins does not initialise their classes. Packaged into a jar by the test.
 */
@XmeshPlugin(name = "static-init-probe", order = 10)
public class StaticInitProbe implements StreamFilterFactory {
    public static final String PROPERTY = "xmesh.test.static-init-probe.initialised";

    static {
        System.setProperty(PROPERTY, "true");
    }

    @Override
    public StreamFilter create(Map<String, Object> config) {
        return new StreamFilter() { };
    }
}
