package io.xmesh.benchmarks.engine;

import io.xmesh.bootstrap.lb.LbHost;
import io.xmesh.bootstrap.config.XmeshConfig.LbPolicy;
import io.xmesh.bootstrap.lb.LoadBalancer;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One host pick per operation, for every policy, over 10 hosts with varied weights and load. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadBalancerBenchmark {
    @Param({"ROUND_ROBIN", "RANDOM", "LEAST_REQUEST", "CONSISTENT_HASH", "WEIGHTED"})
    public LbPolicy policy;

    private LoadBalancer<BenchHost> balancer;
    private String[] keys;
    private int next;

    record BenchHost(String address, int weight, int activeRequests) implements LbHost {
        @Override
        public boolean isAvailable(long nowNanos) {
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<BenchHost> hosts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hosts.add(new BenchHost("10.0.0." + i + ":20880", 50 + 10 * i, i % 4));
        }
        balancer = LoadBalancer.create(policy, List.copyOf(hosts));
        keys = new String[64];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "user-" + i;
        }
    }

    @Benchmark
    public BenchHost choose() {
        String key = keys[next++ & (keys.length - 1)];
        return balancer.choose(key, null, 0L);
    }
}
