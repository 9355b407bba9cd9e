package io.xmesh.bootstrap.plugin.probe;

import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.Map;

/** Test plugin; packaged into a jar by the test, not listed in the test class path's service files. */
@XmeshPlugin(name = "dup", order = 10)
public class DupBeta implements StreamFilterFactory {
    @Override
    public StreamFilter create(Map<String, Object> config) {
        return new StreamFilter() { };
    }
}
