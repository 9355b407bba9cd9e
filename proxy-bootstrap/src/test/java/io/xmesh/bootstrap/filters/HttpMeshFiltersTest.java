package io.xmesh.bootstrap.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xmesh.bootstrap.MeshProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mesh filters in the running proxy, with real sockets: the JDK HttpClient -> xmesh (codec-http, the
 * mesh-filters plugins found on the class path) -> a real HTTP server that records what it received.
 */
class HttpMeshFiltersTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";

    @TempDir
    Path dir;
    private RecordingHttpServer upstream;
    private MeshProxy proxy;
    private Path accessLog;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws IOException {
        upstream = new RecordingHttpServer();
        accessLog = dir.resolve("access.log");
        proxy = new MeshProxy("""
                listeners:
                  - name: in
                    port: 0
                    protocols: [http]
                    filters:
                      - name: tracing
                      - name: access-log
                        config: {path: "%s"}
                      - name: rate-limit
                        config: {by: route, rate: 20, burst: 5, routes: [limited]}
                      - name: fault
                        config:
                          match: {headers: {x-fault: "abort"}}
                          abort: {percent: 30, error: rejected, message: chaos}
                routes:
                  - name: limited
                    match:
                      headers:
                        - {name: ":path", prefix: "/limited"}
                    cluster: web
                  - name: slow
                    match:
                      headers:
                        - {name: ":path", prefix: "/slow"}
                    cluster: web
                    filters:
                      - name: fault
                        config: {delay: {percent: 100, duration: 300ms}}
                  - name: web
                    match:
                      headers:
                        - {name: ":path", prefix: "/"}
                    cluster: web
                clusters:
                  - name: web
                    protocol: http
                    hosts:
                      - "%s"
                """.formatted(accessLog.toString().replace("\\", "/"), upstream.address()));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.listener("in").getPort() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
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

    private JsonNode logLineFor(String path) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLogLines().stream()
                .anyMatch(n -> path.equals(n.get("path").asText())));
        return accessLogLines().stream().filter(n -> path.equals(n.get("path").asText())).findFirst().orElseThrow();
    }

    @Test
    void rateLimitLetsThroughAboutTheRateAndAnswersTheRestWith429() throws Exception {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<HttpResponse<String>> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
        double seconds = Load.run(4, Duration.ofMillis(2000), (me, i) -> {
            HttpResponse<String> r = get("/limited/" + me + "/" + i);
            if (r.statusCode() == 200) {
                ok.incrementAndGet();
            } else {
                limited.incrementAndGet();
                if (refusals.size() < 5) {
                    refusals.add(r);
                }
            }
        });
        double expected = 5 + 20 * seconds; // burst + rate * time
        assertThat(limited.get()).as("some requests must be refused").isPositive();
        assertThat((double) ok.get()).isBetween(expected * 0.75 - 2, expected * 1.1 + 2);
        // refused requests never reached the upstream
        long forwarded = upstream.received.stream().filter(h -> h.get(":path").startsWith("/limited/")).count();
        assertThat(forwarded).isEqualTo(ok.get());
        HttpResponse<String> refused = refusals.get(0);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        assertThat(refused.body()).startsWith("xmesh: rate limited: route=limited (20/s, burst 5); retry after ");
        // other routes are not limited by this rule
        for (int i = 0; i < 30; i++) {
            assertThat(get("/free/" + i).statusCode()).isEqualTo(200);
        }
        // and the access log says why
        JsonNode line = await().atMost(Duration.ofSeconds(10)).until(
                () -> accessLogLines().stream().filter(n -> "RATE_LIMITED".equals(n.get("error").asText(null))).findFirst(),
                Optional::isPresent).orElseThrow();
        assertThat(line.get("status").asInt()).isEqualTo(429);
        assertThat(line.get("route").asText()).isEqualTo("limited");
        assertThat(line.get("reason").asText()).startsWith("rate limited: route=limited");
        // and the metrics count what happened
        assertThat(filterEvents("rate-limit", "limited", "listener", "in")).isEqualTo(limited.get());
        assertThat(filterEvents("rate-limit", "allowed", "listener", "in")).isGreaterThanOrEqualTo(ok.get() + 30);
    }

    private double filterEvents(String filter, String event, String scope, String scopeName) {
        var c = proxy.meters.find("xmesh.filter.events").tag("filter", filter).tag("event", event)
                .tag(scope, scopeName).functionCounter();
        assertThat(c).as("meter xmesh.filter.events filter=%s event=%s %s=%s", filter, event, scope, scopeName).isNotNull();
        return c.count();
    }

    @Test
    void faultAbortsAboutTheConfiguredShareOfMatchingRequestsOnly() throws Exception {
        int n = 120;
        int aborted = 0;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + proxy.listener("in").getPort() + "/chaos/" + i))
                    .timeout(Duration.ofSeconds(20)).header("x-fault", "abort").GET().build(), HttpResponse.BodyHandlers.ofString()));
            if (calls.size() % 8 == 0) {
                calls.get(calls.size() - 1).get(20, TimeUnit.SECONDS); // at most about 8 at once
            }
        }
        for (java.util.concurrent.CompletableFuture<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
            if (r.statusCode() == 503) {
                assertThat(r.body()).startsWith("xmesh: fault injected: chaos");
                aborted++;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        // binomial(120, 0.3): mean 36, sd 5; 4 sd either side
        assertThat(aborted).isBetween(16, 56);
        for (int i = 0; i < 20; i++) {
            assertThat(get("/calm/" + i).statusCode()).isEqualTo(200);
        }
        long chaosForwarded = upstream.received.stream().filter(h -> h.get(":path").startsWith("/chaos/")).count();
        assertThat(chaosForwarded).isEqualTo(n - aborted);
        assertThat(filterEvents("fault", "aborted", "listener", "in")).isEqualTo(aborted);
    }

    @Test
    void faultDelayHoldsRequestsOfTheRoute() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = get("/slow/1");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok /slow/1");
        assertThat(tookMs).isGreaterThanOrEqualTo(300);
        assertThat(filterEvents("fault", "delayed", "route", "slow")).isEqualTo(1.0);
    }

    @Test
    void traceIdFromTheClientReachesTheUpstreamAndTheAccessLog() throws Exception {
        HttpResponse<String> r = get("/traced", "traceparent", TRACEPARENT);
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, String> seen = upstream.received.stream().filter(h -> h.get(":path").equals("/traced")).findFirst().orElseThrow();
        assertThat(seen.get("traceparent")).isEqualTo(TRACEPARENT);
        JsonNode line = logLineFor("/traced");
        assertThat(line.get("trace_id").asText()).isEqualTo(TRACE);
        assertThat(line.get("protocol").asText()).isEqualTo("http");
        assertThat(line.get("listener").asText()).isEqualTo("in");
        assertThat(line.get("route").asText()).isEqualTo("web");
        assertThat(line.get("cluster").asText()).isEqualTo("web");
        assertThat(line.get("upstream_host").asText()).isEqualTo(upstream.address());
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("http_method").asText()).isEqualTo("GET");
        assertThat(line.get("response_bytes").asLong()).isPositive();
        assertThat(line.get("error").isNull()).isTrue();
    }

    @Test
    void aRequestWithoutTraceContextGetsAGeneratedOneUpstreamAndInTheLog() throws Exception {
        assertThat(get("/untraced").statusCode()).isEqualTo(200);
        Map<String, String> seen = upstream.received.stream().filter(h -> h.get(":path").equals("/untraced")).findFirst().orElseThrow();
        String traceparent = seen.get("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        JsonNode line = logLineFor("/untraced");
        assertThat(line.get("trace_id").asText()).isEqualTo(traceparent.substring(3, 35));
    }
}
