package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.testproto.LpProtocol;
import io.xmesh.xprotocol.plugin.PluginKind;

import java.util.Map;

/** Builds engines for tests from YAML, with the test "lp" protocol. */
public final class TestEngines {
    private TestEngines() {
    }

    public static PluginResolver plugins() {
        return PluginResolver.of(Map.of(PluginKind.PROTOCOL, Map.of("lp", new LpProtocol())));
    }

    public static XmeshConfig parse(String yaml) {
        PluginResolver p = plugins();
        return new ConfigLoader(p::names).parse("test.yaml", yaml);
    }

    /** Starts an engine (2 event loops) from YAML. */
    public static Engine start(String yaml) {
        Engine e = new Engine(parse("engine: {eventLoops: 2, shutdownTimeout: 5s}\n" + yaml), plugins(), new SimpleMeterRegistry());
        e.start();
        return e;
    }
}
