package io.xmesh.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI smoke run of the whole JMH suite: every benchmark (every parameter combination) once, 1 s, no warmup, in this
 * JVM (forks 0, so Netty leak detection at PARANOID also covers the benchmarks). Fails if any benchmark throws or
 * produces no score. Numbers from this run mean nothing; run {@code java -jar target/benchmarks.jar} for those.
 * {@code -Dbenchmarks.smoke.include=REGEX} narrows it.
 */
class JmhSmokeTest {
    @Test
    void everyBenchmarkRunsOnce() throws Exception {
        List<String> names = new ArrayList<>();
        for (BenchmarkListEntry e : BenchmarkList.readBenchmarkList(
                JmhSmokeTest.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST))) {
            names.add(e.getUsername());
        }
        assertThat(names).as("benchmarks found by the JMH annotation processor").isNotEmpty();
        // JMH refuses to run while another JMH run holds /tmp/jmh.lock (it protects measurements). A smoke run measures
        // nothing, and CI machines or shared workstations may run real benchmarks at the same time.
        System.setProperty("jmh.ignoreLock", "true");
        Options opts = new OptionsBuilder()
                .include(System.getProperty("benchmarks.smoke.include", "io\\.xmesh\\.benchmarks\\..*"))
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.seconds(1))
                .timeout(TimeValue.seconds(30))
                .shouldFailOnError(true)
                .timeUnit(TimeUnit.NANOSECONDS)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        assertThat(results).isNotEmpty();
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertThat(Double.isFinite(score) && score > 0)
                    .as("score of %s %s", r.getParams().getBenchmark(), r.getParams().getParamsKeys())
                    .isTrue();
        }
        List<String> ran = results.stream().map(r -> r.getParams().getBenchmark()).distinct().toList();
        assertThat(ran).containsAll(names.stream().distinct().toList());
    }
}
