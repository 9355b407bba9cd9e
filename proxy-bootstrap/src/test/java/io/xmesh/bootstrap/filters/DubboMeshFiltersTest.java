package io.xmesh.bootstrap.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xmesh.bootstrap.MeshProxy;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;
import io.xmesh.testapps.dubbo.Greeter;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The mesh filters in the running proxy with real Apache Dubbo 3.3.6 apps: a Dubbo consumer -> xmesh
 * (codec-dubbo, the mesh-filters plugins) -> a Dubbo provider that records the attachments it receives.
 */
class DubboMeshFiltersTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String TRACEPARENT = "00-" + TRACE + "-b7ad6b7169203331-01";

    static Path dir;
    static Path accessLog;
    static RecordingGreeter recorder;
    static DubboApp provider;
    static MeshProxy proxy;
    static DubboConsumer<Greeter> consumer;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        DubboTestApps.prepareJvm(200);
        dir = Files.createTempDirectory("xmesh-dubbo-filters");
        accessLog = dir.resolve("access.log");
        recorder = new RecordingGreeter();
        provider = DubboTestApps.provider("xmesh-it-provider").host("127.0.0.1").export(Greeter.class, recorder).start();
        proxy = new MeshProxy("""
                listeners:
                  - name: dubbo-in
                    port: 0
                    protocols: [dubbo]
                    filters:
                      - name: tracing
                      - name: access-log
                        config: {path: "%s"}
                      - name: rate-limit
                        config: {by: service-method, rate: 10, burst: 3, headers: {x-limited: "yes"}}
                      - name: fault
                        config:
                          match: {headers: {x-fault: "abort"}}
                          abort: {percent: 50, error: rejected, message: chaos}
                routes:
                  - name: closed
                    match:
                      headers:
                        - {name: x-cluster, exact: "closed"}
                    cluster: closed-greeters
                  - name: greeter
                    match:
                      headers:
                        - {name: service, exact: "%s"}
                    cluster: greeters
                clusters:
                  - name: greeters
                    protocol: dubbo
                    hosts:
                      - "127.0.0.1:%d"
                  - name: closed-greeters
                    protocol: dubbo
                    circuitBreaker: {maxRequests: 0}
                    hosts:
                      - "127.0.0.1:%d"
                """.formatted(accessLog.toString().replace("\\", "/"), Greeter.class.getName(), provider.port(),
                provider.port()));
        consumer = DubboTestApps.consumer(Greeter.class, "xmesh-it-consumer").direct(proxy.listener("dubbo-in").getPort())
                .serialization("hessian2").timeoutMs(10_000).start(); // a loaded CI machine can be slow on the first calls
        // warm up both Dubbo apps and the proxy once, so that no test pays for class loading
        assertThat(consumer.service().greet("warm-up")).isEqualTo("hello warm-up");
    }

    @AfterAll
    static void stop() throws IOException {
        // Dubbo apps first, then the proxy
        if (consumer != null) {
            consumer.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (provider != null) {
            provider.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private String call(String name, Map<String, String> attachments) {
        attachments.forEach((k, v) -> RpcContext.getClientAttachment().setAttachment(k, v));
        return consumer.service().greet(name);
    }

    private List<JsonNode> accessLogLines() throws IOException {
        if (!Files.exists(accessLog)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(accessLog, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    /** The number of access-log lines once no new line has come for 300 ms (earlier requests are all logged). */
    private int quietLogSize() throws Exception {
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
            int now = accessLogLines().size();
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        });
        return last[0];
    }

    @Test
    void traceparentAttachmentReachesTheProviderAndTheAccessLog() throws Exception {
        assertThat(call("traced", Map.of("traceparent", TRACEPARENT))).isEqualTo("hello traced");
        assertThat(recorder.attachments).anySatisfy(a -> assertThat(a.get("traceparent")).isEqualTo(TRACEPARENT));
        JsonNode line = await().atMost(Duration.ofSeconds(10)).until(
                () -> accessLogLines().stream().filter(n -> TRACE.equals(n.get("trace_id").asText(null))).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(line.get("protocol").asText()).isEqualTo("dubbo");
        assertThat(line.get("listener").asText()).isEqualTo("dubbo-in");
        assertThat(line.get("service").asText()).isEqualTo(Greeter.class.getName());
        assertThat(line.get("method").asText()).isEqualTo("greet");
        assertThat(line.get("route").asText()).isEqualTo("greeter");
        assertThat(line.get("cluster").asText()).isEqualTo("greeters");
        assertThat(line.get("upstream_host").asText()).isEqualTo("127.0.0.1:" + provider.port());
        assertThat(line.get("status").asInt()).isEqualTo(20);
        assertThat(line.get("request_bytes").asLong()).isPositive();
        assertThat(line.get("response_bytes").asLong()).isPositive();
    }

    @Test
    void b3AttachmentsArePropagatedAsSent() throws Exception {
        String b3Trace = "463ac35c9f6413ad48485a3953bb6124";
        call("b3", Map.of("X-B3-TraceId", b3Trace, "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1"));
        assertThat(recorder.attachments).anySatisfy(a -> {
            assertThat(a.get("X-B3-TraceId")).isEqualTo(b3Trace);
            assertThat(a.get("X-B3-SpanId")).isEqualTo("a2fb4a1d1a96d312");
        });
        await().atMost(Duration.ofSeconds(10)).until(
                () -> accessLogLines().stream().anyMatch(n -> b3Trace.equals(n.get("trace_id").asText(null))));
    }

    @Test
    void withoutTraceContextAGeneratedTraceIdIsLoggedAndPropagatedWhereTheCodecCan() throws Exception {
        int before = quietLogSize();
        int seenBefore = recorder.attachments.size();
        assertThat(call("untraced", Map.of())).isEqualTo("hello untraced");
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLogLines().size() > before);
        assertThat(quietLogSize()).isEqualTo(before + 1);
        JsonNode line = accessLogLines().get(before);
        String traceId = line.get("trace_id").asText();
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(line.get("status").asInt()).isEqualTo(20);
        // When codec-dubbo can add attachments to a forwarded request, the provider sees the same trace; a codec
        // that cannot leaves the request unchanged (the filter counts it as not propagated).
        Object traceparent = recorder.attachments.get(seenBefore).get("traceparent");
        if (traceparent != null) {
            assertThat(traceparent.toString()).matches("00-" + traceId + "-[0-9a-f]{16}-01");
        }
    }

    @Test
    void rateLimitLetsThroughAboutTheRateAndRefusesTheRestWithTheDocumentedError() throws Exception {
        AtomicInteger ok = new AtomicInteger();
        List<RpcException> refusals = new CopyOnWriteArrayList<>();
        double seconds = Load.run(2, Duration.ofMillis(2000), (thread, i) -> {
            try {
                call("limited", Map.of("x-limited", "yes"));
                ok.incrementAndGet();
            } catch (RpcException e) {
                refusals.add(e);
            }
        });
        double expected = 3 + 10 * seconds;
        assertThat(refusals).isNotEmpty();
        assertThat((double) ok.get()).isBetween(expected * 0.7 - 2, expected * 1.1 + 2);
        assertThat(refusals.get(0)).hasMessageContaining("xmesh: rate limited: service-method="
                + Greeter.class.getName() + "#greet (10/s, burst 3); retry after ");
        // the limited calls were answered by xmesh, never forwarded
        long forwarded = recorder.attachments.stream().filter(a -> "yes".equals(a.get("x-limited"))).count();
        assertThat(forwarded).isEqualTo(ok.get());
        // calls without the attachment are not limited
        for (int i = 0; i < 20; i++) {
            assertThat(call("free-" + i, Map.of())).isEqualTo("hello free-" + i);
        }
    }

    @Test
    void aClusterOverItsCircuitBreakerLimitRefusesTheDubboCallAtOnce() {
        int seen = recorder.attachments.size();
        assertThatThrownBy(() -> call("closed", Map.of("x-cluster", "closed")))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("xmesh: circuit breaker open: cluster 'closed-greeters' has 0 requests in flight (max-requests 0)");
        assertThat(recorder.attachments).hasSize(seen);
    }

    @Test
    void faultAbortsAboutHalfOfTheMatchingCalls() {
        int n = 60;
        int aborted = 0;
        for (int i = 0; i < n; i++) {
            try {
                assertThat(call("chaos-" + i, Map.of("x-fault", "abort"))).isEqualTo("hello chaos-" + i);
            } catch (RpcException e) {
                assertThat(e).hasMessageContaining("xmesh: fault injected: chaos");
                aborted++;
            }
        }
        // binomial(60, 0.5): mean 30, sd 3.9; 4 sd either side
        assertThat(aborted).isBetween(14, 46);
    }
}
