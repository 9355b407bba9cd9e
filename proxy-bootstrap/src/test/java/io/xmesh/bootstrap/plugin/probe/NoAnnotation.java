package io.xmesh.bootstrap.plugin.probe;

import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;

import java.util.Map;

/** A provider without {@code @XmeshPlugin}: discovery must reject it. */
public class NoAnnotation implements StreamFilterFactory {
    @Override
    public StreamFilter create(Map<String, Object> config) {
        return new StreamFilter() { };
    }
}
