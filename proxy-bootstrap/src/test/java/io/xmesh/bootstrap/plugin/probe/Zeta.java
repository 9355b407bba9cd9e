package io.xmesh.bootstrap.plugin.probe;

import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.Map;

/** Test plugin for ordering; packaged into a jar by the test. */
@XmeshPlugin(name = "zeta", order = 5)
public class Zeta implements StreamFilterFactory {
    @Override
    public StreamFilter create(Map<String, Object> config) {
        return new StreamFilter() { };
    }
}
