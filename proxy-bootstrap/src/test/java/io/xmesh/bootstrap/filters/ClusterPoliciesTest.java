package io.xmesh.bootstrap.filters;

import io.micrometer.core.instrument.FunctionCounter;
import io.xmesh.bootstrap.Closer;
import io.xmesh.bootstrap.MeshProxy;
import io.xmesh.bootstrap.engine.Cluster;
import io.xmesh.bootstrap.engine.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Circuit breaking and outlier ejection in the running proxy, with real sockets: the JDK HttpClient -> xmesh ->
 * real HTTP servers.
 */
class ClusterPoliciesTest {

    @RegisterExtension
    final Closer closer = new Closer();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static String yaml(String clusterExtra, String... hosts) {
        StringBuilder h = new StringBuilder();
        for (String host : hosts) {
            h.append("      - \"").append(host).append("\"\n");
        }
        return """
                listeners:
                  - name: in
                    port: 0
                    protocols: [http]
                routes:
                  - name: all
                    match:
                      headers:
                        - {name: ":path", prefix: "/"}
                    cluster: backend
                    timeout: 10s
                    retry: {maxRetries: 0}
                clusters:
                  - name: backend
                    protocol: http
                    lb: round_robin
                %s
                    hosts:
                %s""".formatted(clusterExtra, h);
    }

    private CompletableFuture<HttpResponse<String>> get(MeshProxy proxy, String path) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.listener("in").getPort() + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    private static double counter(MeshProxy proxy, String name, String tag, String value) {
        FunctionCounter c = proxy.meters.find(name).tag("cluster", "backend").tag(tag, value).functionCounter();
        return c == null ? -1 : c.count();
    }

    @Test
    void overMaxRequestsTheClusterRefusesAtOnceWithOverloaded() throws Exception {
        RecordingHttpServer upstream = closer.track(new RecordingHttpServer());
        upstream.slowMillis = 1500;
        MeshProxy proxy = closer.track(new MeshProxy(yaml("    circuitBreaker: {maxRequests: 2}", upstream.address())));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        List<Long> refusedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            CompletableFuture<HttpResponse<String>> f = get(proxy, "/slow-upstream/" + i);
            f.thenAccept(r -> {
                if (r.statusCode() == 503) {
                    refusedAt.add(System.nanoTime());
                }
            });
            calls.add(f);
            if (i < 2) {
                // the first two are in flight before the others arrive
                int n = i + 1;
                await().atMost(Duration.ofSeconds(10)).until(() -> upstream.received.size() == n);
            }
        }
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("x-xmesh-error")).hasValue("overloaded");
                assertThat(r.body()).startsWith(
                        "xmesh: circuit breaker open: cluster 'backend' has 2 requests in flight (max-requests 2)");
                refused++;
            }
        }
        assertThat(ok).isEqualTo(2);
        assertThat(refused).isEqualTo(4);
        assertThat(upstream.received).hasSize(2);
        // refused at once: every refusal arrived before the upstream answered anything
        long firstAnswer = upstream.answeredAt.stream().min(Long::compare).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> refusedAt.size() == 4);
        assertThat(refusedAt).allSatisfy(t -> assertThat(t).isLessThan(firstAnswer));
        assertThat(counter(proxy, "xmesh.cluster.circuit.breaker.refused", "resource", "requests")).isEqualTo(4.0);
        Cluster cluster = proxy.engine.clusters().get("backend");
        assertThat(cluster.circuitBreaker().inUse(io.xmesh.bootstrap.cluster.CircuitBreaker.Resource.REQUESTS)).isZero();
        // with the slow requests done, the cluster takes requests again
        upstream.slowMillis = 0;
        assertThat(get(proxy, "/slow-upstream/again").get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aFailingHostIsEjectedAndProbedBackWhenItRecovers() throws Exception {
        RecordingHttpServer good = closer.track(new RecordingHttpServer());
        RecordingHttpServer bad = closer.track(new RecordingHttpServer());
        bad.failStatus = 500;
        MeshProxy proxy = closer.track(new MeshProxy(yaml(
                "    ejection: {consecutiveFailures: 3, baseEjectionTime: 2s, maxEjectionTime: 10s, maxEjectionPercent: 50}",
                good.address(), bad.address())));
        int failures = 0;
        for (int i = 0; i < 12; i++) {
            if (get(proxy, "/r/" + i).get(10, TimeUnit.SECONDS).statusCode() == 500) {
                failures++;
            }
        }
        // the bad host got requests until 3 failed in a row, then none while ejected
        assertThat(failures).isEqualTo(3);
        assertThat(bad.received).hasSize(3);
        Host badHost = host(proxy, bad.address());
        assertThat(badHost.isEjected()).isTrue();
        assertThat(badHost.ejectionCount()).isEqualTo(1);
        assertThat(counter(proxy, "xmesh.cluster.outlier.ejections", "cluster", "backend")).isEqualTo(1.0);

        // it recovers; after its ejection time a request probes it and it is back in rotation
        bad.failStatus = 0;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            get(proxy, "/probe").get(10, TimeUnit.SECONDS);
            return bad.received.size() > 3;
        });
        for (int i = 0; i < 10; i++) {
            assertThat(get(proxy, "/after/" + i).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(badHost.isEjected()).isFalse();
        // every request ended: no circuit-breaker unit is left held (connections stay open for reuse)
        var breaker = proxy.engine.clusters().get("backend").circuitBreaker();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(breaker.inUse(io.xmesh.bootstrap.cluster.CircuitBreaker.Resource.REQUESTS)).isZero();
            assertThat(breaker.inUse(io.xmesh.bootstrap.cluster.CircuitBreaker.Resource.PENDING_REQUESTS)).isZero();
            assertThat(breaker.inUse(io.xmesh.bootstrap.cluster.CircuitBreaker.Resource.RETRIES)).isZero();
            assertThat(breaker.inUse(io.xmesh.bootstrap.cluster.CircuitBreaker.Resource.CONNECTIONS)).isBetween(1, 4);
        });
        // back in the round robin: it takes about half of the requests again
        assertThat(bad.received.stream().filter(h -> h.get(":path").startsWith("/after/")).count()).isBetween(3L, 7L);
    }

    @Test
    void atMostMaxEjectionPercentOfTheClusterIsEjected() throws Exception {
        RecordingHttpServer a = closer.track(new RecordingHttpServer());
        RecordingHttpServer b = closer.track(new RecordingHttpServer());
        a.failStatus = 503;
        b.failStatus = 503;
        MeshProxy proxy = closer.track(new MeshProxy(yaml(
                "    ejection: {consecutiveFailures: 2, baseEjectionTime: 30s, maxEjectionTime: 30s, maxEjectionPercent: 50}",
                a.address(), b.address())));
        for (int i = 0; i < 20; i++) {
            assertThat(get(proxy, "/x/" + i).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        }
        Cluster cluster = proxy.engine.clusters().get("backend");
        assertThat(cluster.hosts().stream().filter(Host::isEjected).count()).isEqualTo(1);
        assertThat(cluster.outliers().ejectionsSkippedCount()).isPositive();
        // the host that stayed took every request after the ejection: the cluster still answers
        assertThat(a.received.size() + b.received.size()).isEqualTo(20);
    }

    private static Host host(MeshProxy proxy, String address) {
        return proxy.engine.clusters().get("backend").hosts().stream().filter(h -> h.address().equals(address))
                .findFirst().orElseThrow();
    }
}
