package io.xmesh.benchmarks.engine;

import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.engine.RouteEntry;
import io.xmesh.bootstrap.engine.RouteTable;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.testkit.HeadersFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine's route table with 10 and 1,000 Dubbo routes (service exact + method prefix), as
 * the configuration loader builds them. {@code lastRoute} matches only the last route (every
 * route is tried: the worst case of first-match-wins), {@code firstRoute} the first,
 * {@code noRoute} none.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {
    @Param({"10", "1000"})
    public int routes;

    private PluginCatalog catalog;
    private RouteTable table;
    private HeadersFrame first;
    private HeadersFrame last;
    private HeadersFrame none;

    @Setup(Level.Trial)
    public void setUp() {
        catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
        PluginResolver plugins = XmeshServer.resolver(catalog);
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - {name: egress, port: 0, protocols: [dubbo]}
                clusters:
                  - {name: c, protocol: dubbo, hosts: ["127.0.0.1:20880"]}
                routes:
                """);
        for (int i = 0; i < routes; i++) {
            yaml.append("  - {name: r").append(i).append(", cluster: c, match: {headers: [")
                    .append("{name: service, exact: com.acme.Service").append(i).append("}, ")
                    .append("{name: method, prefix: get}]}}\n");
        }
        XmeshConfig config = new ConfigLoader(plugins::names).parse("bench.yaml", yaml.toString());
        table = new RouteTable(plugins, null);
        config.routes().forEach(table::upsert);
        first = new HeadersFrame("dubbo", Map.of("service", "com.acme.Service0", "method", "getUser", "version", "0.0.0"));
        last = new HeadersFrame("dubbo", Map.of("service", "com.acme.Service" + (routes - 1), "method", "getUser", "version", "0.0.0"));
        none = new HeadersFrame("dubbo", Map.of("service", "com.acme.Unknown", "method", "getUser", "version", "0.0.0"));
        if (table.match("egress", last) == null || table.match("egress", none) != null) {
            throw new IllegalStateException("routes do not match as intended");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        catalog.close();
    }

    @Benchmark
    public RouteEntry firstRoute() {
        return table.match("egress", first);
    }

    @Benchmark
    public RouteEntry lastRoute() {
        return table.match("egress", last);
    }

    @Benchmark
    public RouteEntry noRoute() {
        return table.match("egress", none);
    }
}
