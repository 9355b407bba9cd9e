package io.xmesh.bootstrap.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real Apache Dubbo 3.3.6 consumer -> xmesh (the real dubbo codec plugin from the catalog) ->
 * two real Dubbo 3.3.6 providers.
 */
class DubboEndToEndTest {
    static PluginCatalog catalog;
    static PluginResolver plugins;
    static DubboApp p1;
    static DubboApp p2;

    /** A provider of {@link Greeter} answering "hello NAME from PROVIDER". */
    static DubboApp provider(String name) {
        return DubboTestApps.provider("xmesh-it-provider-" + name).export(Greeter.class, new NamedGreeter(name)).start();
    }

    /** A consumer with a direct URL to {@code port} (xmesh's listener), hessian2. */
    static <T> DubboConsumer<T> consumer(Class<T> type, int port, int timeoutMs) {
        return DubboTestApps.consumer(type, "xmesh-it-consumer").direct(port).serialization("hessian2")
                .timeoutMs(timeoutMs).start();
    }

    @BeforeAll
    static void providers() {
        catalog = PluginCatalog.discover(DubboEndToEndTest.class.getClassLoader(), null, Map.of());
        plugins = XmeshServer.resolver(catalog);
        p1 = provider("p1");
        p2 = provider("p2");
    }

    @AfterAll
    static void stop() {
        p1.close();
        p2.close();
        catalog.close();
    }

    static Engine engine(String lb, String... hosts) {
        String yaml = """
                engine: {eventLoops: 2, shutdownTimeout: 5s, drainQuietPeriod: 300ms}
                listeners:
                  - {name: dubbo-in, port: 0, protocols: [dubbo]}
                routes:
                  - name: slow
                    match: {headers: [{name: service, exact: io.xmesh.bootstrap.it.Greeter}, {name: method, exact: slow}]}
                    cluster: greeters
                    timeout: 1500ms
                  - name: greeter
                    match: {headers: [{name: service, exact: io.xmesh.bootstrap.it.Greeter}]}
                    cluster: greeters
                    timeout: 2s
                clusters:
                  - name: greeters
                    protocol: dubbo
                    lb: %s
                    hosts: [%s]
                """.formatted(lb, "\"" + String.join("\", \"", hosts) + "\"");
        XmeshConfig config = new ConfigLoader(plugins::names).parse("dubbo-it.yaml", yaml);
        Engine e = new Engine(config, plugins, new SimpleMeterRegistry());
        e.start();
        return e;
    }

    @Test
    void roundRobinSpreadsCallsAndSixtyFourConcurrentCallersGetTheirOwnAnswers() throws Exception {
        Engine e = engine("round_robin", p1.address(), p2.address());
        try (DubboConsumer<Greeter> c = consumer(Greeter.class, e.listenerAddress("dubbo-in").getPort(), 3000)) {
            Map<String, Integer> per = new ConcurrentHashMap<>();
            for (int i = 0; i < 20; i++) {
                String r = c.service().greet("n" + i);
                assertThat(r).startsWith("hello n" + i + " from p");
                per.merge(r.substring(r.lastIndexOf(' ') + 1), 1, Integer::sum);
            }
            assertThat(per).containsEntry("p1", 10).containsEntry("p2", 10);

            ExecutorService pool = Executors.newFixedThreadPool(64);
            try {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    int me = t;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            String who = "caller-" + me + "-" + i;
                            assertThat(c.service().greet(who)).matches("hello " + who + " from p[12]");
                        }
                        return 25;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : fs) {
                    total += f.get(60, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(64 * 25);
            } finally {
                pool.shutdownNow();
            }
        } finally {
            e.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void slowProviderTimesOutAndUnknownServiceGetsServiceNotFound() throws Exception {
        Engine e = engine("least_request", p1.address());
        int port = e.listenerAddress("dubbo-in").getPort();
        try (DubboConsumer<Greeter> c = consumer(Greeter.class, port, 6000);
             DubboConsumer<Unrouted> u = consumer(Unrouted.class, port, 3000)) {
            assertThatThrownBy(() -> c.service().slow("x", 4000))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("xmesh: timeout: upstream " + p1.address() + " did not answer within 1500 ms (route 'slow')");
            assertThat(c.service().slow("y", 10)).isEqualTo("slow y from p1");
            assertThatThrownBy(() -> u.service().hello("x"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("xmesh: no route for service=io.xmesh.bootstrap.it.Unrouted method=hello version=0.0.0 on listener 'dubbo-in'");
        } finally {
            e.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void killedProviderAnswersInFlightCallsWithErrorsAndNewCallsGoToTheLiveOne() throws Exception {
        try (KillableRelay r1 = new KillableRelay(p1.port())) {
            Engine e = engine("round_robin", r1.address(), p2.address());
            try (DubboConsumer<Greeter> c = consumer(Greeter.class, e.listenerAddress("dubbo-in").getPort(), 5000)) {
                List<CompletableFuture<String>> slow = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    int n = i;
                    slow.add(CompletableFuture.supplyAsync(() -> c.service().slow("s" + n, 600)));
                }
                Thread.sleep(300);
                r1.kill();
                int errors = 0;
                for (CompletableFuture<String> f : slow) {
                    try {
                        assertThat(f.get(5, TimeUnit.SECONDS)).endsWith("from p2");
                    } catch (java.util.concurrent.ExecutionException ex) {
                        assertThat(ex.getCause()).isInstanceOf(RpcException.class)
                                .hasMessageContaining("xmesh: upstream " + r1.address() + " of cluster 'greeters' closed the connection with the request in flight");
                        errors++;
                    }
                }
                assertThat(errors).isEqualTo(3);
                for (int i = 0; i < 10; i++) {
                    assertThat(c.service().greet("after" + i)).isEqualTo("hello after" + i + " from p2");
                }
            } finally {
                e.shutdown(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void gracefulShutdownUnderLoadLeavesNoCallUnanswered() throws Exception {
        Engine e = engine("round_robin", p1.address(), p2.address());
        int port = e.listenerAddress("dubbo-in").getPort();
        List<DubboConsumer<Greeter>> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            consumers.add(consumer(Greeter.class, port, 3000));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unanswered = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(12);
        try {
            for (int t = 0; t < 12; t++) {
                DubboConsumer<Greeter> c = consumers.get(t % consumers.size());
                load.submit(() -> {
                    // Like a consumer that takes an instance out of rotation when it says it is
                    // shutting down: stop calling after the first refusal.
                    while (!stop.get()) {
                        try {
                            c.service().slow("z", 20);
                            ok.incrementAndGet();
                        } catch (RpcException ex) {
                            if (ex.isTimeout()) {
                                unanswered.add(ex);
                            } else {
                                assertThat(ex).hasMessageContaining("xmesh: proxy is shutting down");
                                refused.incrementAndGet();
                            }
                            return;
                        }
                    }
                });
            }
            Thread.sleep(1000);
            int before = ok.get();
            e.shutdown(Duration.ofSeconds(5));
            stop.set(true);
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(before).isPositive();
            assertThat(unanswered).as("calls that got no answer (timed out)").isEmpty();
            assertThat(refused.get()).isBetween(1, 12);
        } finally {
            load.shutdownNow();
            consumers.forEach(DubboConsumer::close);
        }
    }
}
