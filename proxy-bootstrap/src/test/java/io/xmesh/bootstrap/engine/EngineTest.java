package io.xmesh.bootstrap.engine;

import io.xmesh.bootstrap.Closer;
import io.xmesh.bootstrap.config.HostSpec;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.testproto.LpClient;
import io.xmesh.bootstrap.testproto.LpClient.Reply;
import io.xmesh.bootstrap.testproto.LpProtocol;
import io.xmesh.bootstrap.testproto.LpServer;
import io.xmesh.xprotocol.codec.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The data path with real sockets: test "lp" clients -> xmesh -> test "lp" servers. */
class EngineTest {
    @RegisterExtension
    final Closer closer = new Closer();

    private LpServer server(String name) throws InterruptedException {
        return closer.track(new LpServer(name));
    }

    private Engine engine(String yaml) {
        Engine e = TestEngines.start(yaml);
        closer.track((AutoCloseable) () -> e.shutdown(Duration.ofSeconds(2)));
        return e;
    }

    private LpClient client(Engine e) throws InterruptedException {
        return closer.track(new LpClient(e.listenerAddress("in")));
    }

    private static String config(String lb, String timeout, String retry, String... hosts) {
        StringBuilder h = new StringBuilder();
        for (String s : hosts) {
            h.append("      - \"").append(s).append("\"\n");
        }
        return """
                listeners:
                  - name: in
                    port: 0
                    protocols: [lp]
                routes:
                  - name: greet
                    match:
                      headers:
                        - {name: service, exact: greeter}
                    cluster: backend
                    timeout: %s
                %s
                clusters:
                  - name: backend
                    protocol: lp
                    lb: %s
                    hashKey: user
                    hosts:
                %s""".formatted(timeout, retry, lb, h);
    }

    private static Reply get(CompletableFuture<Reply> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void roundRobinSpreadsRequestsAndAnswersComeBack() throws Exception {
        LpServer a = server("a");
        LpServer b = server("b");
        Engine e = engine(config("round_robin", "3s", "", a.address(), b.address()));
        LpClient c = client(e);
        for (int i = 0; i < 20; i++) {
            Reply r = get(c.call(Map.of("service", "greeter"), "hello-" + i));
            assertThat(r.status()).isEqualTo(20);
            assertThat(r.payload()).endsWith(":hello-" + i);
        }
        assertThat(a.requests.get()).isEqualTo(10);
        assertThat(b.requests.get()).isEqualTo(10);
    }

    @Test
    void sixtyFourConcurrentCallersGetExactlyTheirOwnAnswers() throws Exception {
        LpServer a = server("a");
        LpServer b = server("b");
        Engine e = engine(config("least_request", "5s", "", a.address(), b.address()));
        List<LpClient> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(client(e));
        }
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int caller = 0; caller < 64; caller++) {
                int me = caller;
                LpClient c = clients.get(caller % clients.size());
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 40; i++) {
                        String payload = "caller-" + me + "-call-" + i;
                        Map<String, String> headers = i % 5 == 0 ? Map.of("service", "greeter", "delay", "3")
                                : Map.of("service", "greeter");
                        Reply r = get(c.call(headers, payload));
                        assertThat(r.status()).isEqualTo(20);
                        assertThat(r.payload()).isEqualTo(r.server() + ":" + payload);
                        ok++;
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(64 * 40);
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.requests.get() + b.requests.get()).isEqualTo(64 * 40);
        // upstream connections are shared: at most one per event loop per host
        assertThat(a.connections.get()).isBetween(1, 2);
        assertThat(b.connections.get()).isBetween(1, 2);
    }

    @Test
    void unknownServiceGetsNoRouteWithAClearMessage() throws Exception {
        LpServer a = server("a");
        Engine e = engine(config("round_robin", "3s", "", a.address()));
        LpClient c = client(e);
        Reply r = get(c.call(Map.of("service", "nobody", "method", "hello"), "x"));
        assertThat(r.status()).isEqualTo(LpProtocol.statusOf(ErrorKind.NO_ROUTE));
        assertThat(r.payload()).startsWith("xmesh: no route for service=nobody method=hello on listener 'in'");
        assertThat(a.requests.get()).isZero();
    }

    @Test
    void slowUpstreamTimesOutWithXmeshMessageAndLateAnswerIsDropped() throws Exception {
        LpServer a = server("a");
        Engine e = engine(config("round_robin", "300ms", "", a.address()));
        LpClient c = client(e);
        long t0 = System.nanoTime();
        Reply r = get(c.call(Map.of("service", "greeter", "delay", "1500"), "slow"));
        assertThat(r.status()).isEqualTo(LpProtocol.statusOf(ErrorKind.TIMEOUT));
        assertThat(r.payload()).contains("xmesh: timeout: upstream " + a.address() + " did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1400));
        // the connection still works, and the late answer does not reach the client as a stray reply
        Reply next = get(c.call(Map.of("service", "greeter"), "fast"));
        assertThat(next.payload()).isEqualTo("a:fast");
        Thread.sleep(1400);
        assertThat(c.pendingCount()).isZero();
        Reply after = get(c.call(Map.of("service", "greeter"), "after"));
        assertThat(after.payload()).isEqualTo("a:after");
    }

    @Test
    void killedUpstreamAnswersInFlightRequestsAndNewOnesGoToTheLiveHost() throws Exception {
        LpServer a = new LpServer("a");
        LpServer b = server("b");
        Engine e = engine(config("round_robin", "5s", "", a.address(), b.address()));
        LpClient c = client(e);
        List<CompletableFuture<Reply>> inflight = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            inflight.add(c.call(Map.of("service", "greeter", "delay", "3000"), "slow-" + i));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.requests.get() == 5 && b.requests.get() == 5);
        a.close();
        int reset = 0;
        for (CompletableFuture<Reply> f : inflight) {
            Reply r = get(f);
            if (r.status() == LpProtocol.statusOf(ErrorKind.UPSTREAM_RESET)) {
                assertThat(r.payload()).contains("xmesh: upstream " + a.address()).contains("closed the connection with the request in flight");
                reset++;
            } else {
                assertThat(r.server()).isEqualTo("b");
            }
        }
        assertThat(reset).isEqualTo(5);
        for (int i = 0; i < 20; i++) {
            Reply r = get(c.call(Map.of("service", "greeter"), "after-" + i));
            assertThat(r.status()).as(r.payload()).isEqualTo(20);
            assertThat(r.server()).isEqualTo("b");
        }
        Host dead = e.clusters().get("backend").hosts().stream().filter(h -> h.address().equals(a.address())).findFirst().orElseThrow();
        assertThat(dead.isEjected()).isTrue();
    }

    @Test
    void connectFailureIsRetriedOnAnotherHostAndTheDeadHostEjected() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        LpServer b = server("b");
        Engine e = engine(config("round_robin", "3s", "", "127.0.0.1:" + deadPort, b.address()));
        LpClient c = client(e);
        for (int i = 0; i < 10; i++) {
            Reply r = get(c.call(Map.of("service", "greeter"), "x" + i));
            assertThat(r.status()).as(r.payload()).isEqualTo(20);
        }
        Host dead = e.clusters().get("backend").hosts().get(0);
        assertThat(dead.isEjected()).isTrue();
        assertThat(dead.ejectionCount()).isEqualTo(1);
    }

    @Test
    void noRetryGivesConnectFailedAndThenNoHealthyHost() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Engine e = engine(config("round_robin", "3s", "    retry: {maxRetries: 0}", "127.0.0.1:" + deadPort));
        LpClient c = client(e);
        Reply r = get(c.call(Map.of("service", "greeter"), "x"));
        assertThat(r.status()).isEqualTo(LpProtocol.statusOf(ErrorKind.CONNECT_FAILED));
        assertThat(r.payload()).startsWith("xmesh: cannot connect to upstream 127.0.0.1:" + deadPort + " of cluster 'backend'");
        Reply r2 = get(c.call(Map.of("service", "greeter"), "y"));
        assertThat(r2.status()).isEqualTo(LpProtocol.statusOf(ErrorKind.NO_HEALTHY_HOST));
        assertThat(r2.payload()).isEqualTo("xmesh: no healthy host in cluster 'backend' (all 1 hosts ejected after failures)");
    }

    @Test
    void ejectedHostIsProbedBackAfterItsEjectionTime() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String yaml = config("round_robin", "3s", "    retry: {maxRetries: 0}", "127.0.0.1:" + port)
                + "    ejection: {baseEjectionTime: 300ms, maxEjectionTime: 5s}\n";
        Engine e = engine(yaml);
        LpClient c = client(e);
        assertThat(get(c.call(Map.of("service", "greeter"), "x")).status()).isEqualTo(LpProtocol.statusOf(ErrorKind.CONNECT_FAILED));
        LpServer back = closer.track(new LpServer("back", port));
        assertThat(get(c.call(Map.of("service", "greeter"), "y")).status()).isEqualTo(LpProtocol.statusOf(ErrorKind.NO_HEALTHY_HOST));
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(c.call(Map.of("service", "greeter"), "z")).status() == 20);
        assertThat(e.clusters().get("backend").hosts().get(0).isEjected()).isFalse();
        assertThat(back.requests.get()).isPositive();
    }

    @Test
    void retriesConfiguredStatusesAndReturnsTheLastAnswer() throws Exception {
        LpServer a = server("a");
        LpServer b = server("b");
        Engine e = engine(config("round_robin", "3s", "    retry: {maxRetries: 1, retryOnStatuses: [50]}", a.address(), b.address()));
        LpClient c = client(e);
        Reply r = get(c.call(Map.of("service", "greeter", "fail", "1"), "boom"));
        assertThat(r.status()).isEqualTo(50);
        assertThat(a.requests.get() + b.requests.get()).isEqualTo(2);
        assertThat(a.requests.get()).isEqualTo(1);
    }

    @Test
    void heartbeatsAreAnsweredLocallyAndOneWayRequestsForwarded() throws Exception {
        LpServer a = server("a");
        Engine e = engine(config("round_robin", "3s", "", a.address()));
        LpClient c = client(e);
        Reply hb = get(c.heartbeat());
        assertThat(hb.status()).isEqualTo(20);
        assertThat(a.connections.get()).isZero();
        c.oneway(Map.of("service", "greeter"), "fire-and-forget");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.oneways.get() == 1);
        assertThat(e.inflight()).isZero();
    }

    @Test
    void consistentHashKeepsAKeyOnOneHost() throws Exception {
        LpServer a = server("a");
        LpServer b = server("b");
        LpServer d = server("d");
        Engine e = engine(config("consistent_hash", "3s", "", a.address(), b.address(), d.address()));
        LpClient c = client(e);
        for (int user = 0; user < 12; user++) {
            String first = null;
            for (int i = 0; i < 5; i++) {
                Reply r = get(c.call(Map.of("service", "greeter", "user", "u" + user), "x"));
                first = first == null ? r.server() : first;
                assertThat(r.server()).isEqualTo(first);
            }
        }
        assertThat(List.of(a.requests.get(), b.requests.get(), d.requests.get())).filteredOn(n -> n > 0).hasSizeGreaterThan(1);
    }

    @Test
    void clustersAndRoutesChangeAtRuntime() throws Exception {
        LpServer a = server("a");
        LpServer b = server("b");
        Engine e = engine(config("round_robin", "3s", "", a.address()));
        LpClient c = client(e);
        assertThat(get(c.call(Map.of("service", "other"), "x")).status()).isEqualTo(LpProtocol.statusOf(ErrorKind.NO_ROUTE));
        e.clusters().upsert(XmeshConfig.ClusterConfig.of("other", "lp", List.of(HostSpec.parse(b.address())),
                XmeshConfig.LbPolicy.ROUND_ROBIN));
        e.routes().upsert(new XmeshConfig.RouteConfig("other", List.of(), List.of(new XmeshConfig.HeaderMatch("service",
                XmeshConfig.MatchKind.EXACT, "other", false)), "other", Duration.ofSeconds(2),
                XmeshConfig.RetryConfig.DEFAULT, null, List.of(), Map.of()));
        assertThat(get(c.call(Map.of("service", "other"), "x")).server()).isEqualTo("b");
        // the registry moves "backend" from a to b; a's connections are retired
        e.clusters().get("backend").setHosts(List.of(HostSpec.parse(b.address())));
        for (int i = 0; i < 4; i++) {
            assertThat(get(c.call(Map.of("service", "greeter"), "y")).server()).isEqualTo("b");
        }
        assertThat(e.routes().remove("other")).isTrue();
        assertThat(get(c.call(Map.of("service", "other"), "x")).status()).isEqualTo(LpProtocol.statusOf(ErrorKind.NO_ROUTE));
        assertThat(e.clusters().remove("other")).isTrue();
    }

    @Test
    void gracefulShutdownUnderLoadLeavesNoRequestUnanswered() throws Exception {
        LpServer a = server("a");
        Engine e = TestEngines.start(config("round_robin", "5s", "", a.address()));
        List<LpClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(closer.track(new LpClient(e.listenerAddress("in"))));
        }
        List<CompletableFuture<Reply>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (LpClient c : clients) {
            load.submit(() -> {
                int i = 0;
                while (!stop.get() && c.channel().isActive()) {
                    calls.add(c.call(Map.of("service", "greeter", "delay", "20"), "n" + i++));
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            });
        }
        await().until(() -> calls.size() > 200);
        List<Boolean> readyDuring = new ArrayList<>();
        e.addPreShutdownHook(() -> readyDuring.add(e.isReady()));
        e.shutdown(Duration.ofSeconds(5));
        stop.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(readyDuring).containsExactly(false);
        int ok = 0;
        int closed = 0;
        int refused = 0;
        for (CompletableFuture<Reply> f : calls) {
            try {
                Reply r = f.get(5, TimeUnit.SECONDS);
                if (r.status() == LpProtocol.statusOf(ErrorKind.OVERLOADED)) {
                    // arrived after draining began: answered at once, never forwarded
                    assertThat(r.payload()).isEqualTo("xmesh: proxy is shutting down; send new requests to another instance");
                    refused++;
                    continue;
                }
                assertThat(r.status()).as(r.payload()).isEqualTo(20);
                ok++;
            } catch (java.util.concurrent.ExecutionException ex) {
                // sent after xmesh closed the idle connection: the client learns at once
                assertThat(ex.getCause()).isInstanceOf(java.io.IOException.class);
                closed++;
            }
        }
        assertThat(ok).isGreaterThan(200);
        assertThat(ok + closed + refused).isEqualTo(calls.size());
        assertThat(a.requests.get()).isEqualTo(ok);
    }

    @Test
    void garbageOnASingleProtocolListenerClosesTheConnection() throws Exception {
        LpServer a = server("a");
        Engine e = engine(config("round_robin", "3s", "", a.address()));
        LpClient c = client(e);
        c.raw(io.netty.buffer.Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(5)).until(() -> !c.channel().isActive());
        LpClient c2 = client(e);
        assertThat(get(c2.call(Map.of("service", "greeter"), "ok")).status()).isEqualTo(20);
    }

    @Test
    void listenerAddressIsBound() {
        Engine e = engine(config("round_robin", "3s", "", "127.0.0.1:1"));
        InetSocketAddress addr = e.listenerAddress("in");
        assertThat(addr.getPort()).isPositive();
        assertThat(e.isReady()).isTrue();
    }
}
