package io.xmesh.filters.ratelimit;

import io.xmesh.filters.FakeFrame;
import io.xmesh.filters.FakeStreamContext;
import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.filter.FilterResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitFilterTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(123_456_789L);
    private final FakeFrame frame = new FakeFrame();

    private RateLimitFilter filter(Map<String, Object> config) {
        return new RateLimitFilterFactory().create(config, clock::get);
    }

    private static FakeStreamContext onRoute(String route) {
        return new FakeStreamContext().route(route);
    }

    @Test
    void burstPassesThenRefusesWithRetryAfterAndRefills() {
        RateLimitFilter f = filter(Map.of("by", "route", "rate", 10, "burst", 3));
        for (int i = 0; i < 3; i++) {
            assertThat(f.onRequest(onRoute("orders"), frame).isContinue()).isTrue();
        }
        FakeStreamContext ctx = onRoute("orders");
        FilterResult refused = f.onRequest(ctx, frame);
        assertThat(refused.isContinue()).isFalse();
        assertThat(refused.error()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(refused.message()).startsWith("xmesh: rate limited: route=orders (10/s, burst 3)")
                .endsWith("retry after 100 ms");
        assertThat(ctx.attributes.get(FilterAttributes.RETRY_AFTER_MILLIS)).isEqualTo(100L);
        assertThat(ctx.attributes.get(FilterAttributes.ERROR_REASON)).asString().startsWith("rate limited: route=orders");

        clock.addAndGet(99 * MS);
        assertThat(f.onRequest(onRoute("orders"), frame).isContinue()).isFalse();
        clock.addAndGet(MS);
        assertThat(f.onRequest(onRoute("orders"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("orders"), frame).isContinue()).isFalse();
        assertThat(f.allowedCount()).isEqualTo(4);
        assertThat(f.limitedCount()).isEqualTo(3);
        assertThat(f.counters().get("allowed").getAsLong()).isEqualTo(4);
        assertThat(f.counters().get("limited").getAsLong()).isEqualTo(3);
    }

    @Test
    void refillIsCappedAtBurst() {
        RateLimitFilter f = filter(Map.of("rate", 100, "burst", 5));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(3600));
        int passed = 0;
        for (int i = 0; i < 20; i++) {
            passed += f.onRequest(onRoute("r"), frame).isContinue() ? 1 : 0;
        }
        assertThat(passed).isEqualTo(5);
    }

    @Test
    void fractionalRateAndDefaultBurst() {
        RateLimitFilter f = filter(Map.of("rate", "0.5"));
        assertThat(f.onRequest(onRoute("r"), frame).isContinue()).isTrue();
        FilterResult r = f.onRequest(onRoute("r"), frame);
        assertThat(r.message()).contains("(0.5/s, burst 1)").endsWith("retry after 2000 ms");
        clock.addAndGet(2000 * MS);
        assertThat(f.onRequest(onRoute("r"), frame).isContinue()).isTrue();
    }

    @Test
    void steadyRateOverSimulatedTimeIsTheConfiguredRate() {
        RateLimitFilter f = filter(Map.of("rate", 50, "burst", 1));
        int passed = 0;
        // 10 simulated seconds, a request every millisecond
        for (int i = 0; i < 10_000; i++) {
            passed += f.onRequest(onRoute("r"), frame).isContinue() ? 1 : 0;
            clock.addAndGet(MS);
        }
        assertThat(passed).isBetween(500, 501);
    }

    @Test
    void routesHaveSeparateBucketsAndUnroutedRequestsAreNotLimitedByRoute() {
        RateLimitFilter f = filter(Map.of("rate", 1, "burst", 1));
        assertThat(f.onRequest(onRoute("a"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("b"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("a"), frame).isContinue()).isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(f.onRequest(new FakeStreamContext(), frame).isContinue()).isTrue();
        }
        assertThat(f.bucketCount(0)).isEqualTo(2);
    }

    @Test
    void callerKeysWithMissingSkipOrSharedAndOverrides() {
        RateLimitFilter skip = filter(Map.of("by", "caller", "header", "X-Caller", "rate", 1,
                "overrides", Map.of("vip", Map.of("rate", 1, "burst", 3))));
        FakeStreamContext anon = onRoute("r");
        for (int i = 0; i < 5; i++) {
            assertThat(skip.onRequest(anon, frame).isContinue()).isTrue();
        }
        assertThat(skip.onRequest(onRoute("r").header("X-Caller", "app1"), frame).isContinue()).isTrue();
        assertThat(skip.onRequest(onRoute("r").header("X-Caller", "app1"), frame).isContinue()).isFalse();
        // HTTP codecs expose header names in lower case
        assertThat(skip.onRequest(onRoute("r").header("x-caller", "app2"), frame).isContinue()).isTrue();
        assertThat(skip.onRequest(onRoute("r").header("x-caller", "app2"), frame).message())
                .contains("caller=app2");
        for (int i = 0; i < 3; i++) {
            assertThat(skip.onRequest(onRoute("r").header("X-Caller", "vip"), frame).isContinue()).isTrue();
        }
        assertThat(skip.onRequest(onRoute("r").header("X-Caller", "vip"), frame).message())
                .contains("caller=vip (1/s, burst 3)");

        RateLimitFilter shared = filter(Map.of("by", "caller", "header", "x-caller", "missing", "shared", "rate", 1));
        assertThat(shared.onRequest(onRoute("r"), frame).isContinue()).isTrue();
        assertThat(shared.onRequest(onRoute("r"), frame).message()).contains("caller=(none)");
    }

    @Test
    void serviceMethodKeysForRpcAndHttp() {
        RateLimitFilter f = filter(Map.of("by", "service-method", "rate", 1));
        FakeStreamContext hello = onRoute("r").header("service", "com.acme.Greeter").header("method", "hello");
        FakeStreamContext bye = onRoute("r").header("service", "com.acme.Greeter").header("method", "bye");
        assertThat(f.onRequest(hello, frame).isContinue()).isTrue();
        assertThat(f.onRequest(bye, frame).isContinue()).isTrue();
        assertThat(f.onRequest(hello, frame).message()).contains("service-method=com.acme.Greeter#hello");

        FakeStreamContext get1 = onRoute("r").header(":authority", "shop").header(":path", "/items?id=1");
        FakeStreamContext get2 = onRoute("r").header(":authority", "shop").header(":path", "/items?id=2");
        assertThat(f.onRequest(get1, frame).isContinue()).isTrue();
        assertThat(f.onRequest(get2, frame).message()).contains("service-method=shop/items");
    }

    @Test
    void rulesApplyInOrderAndMatchersNarrowThem() {
        RateLimitFilter f = filter(Map.of("rules", List.of(
                Map.of("by", "global", "rate", 1000, "burst", 1000),
                Map.of("by", "route", "routes", List.of("orders"), "rate", 1, "burst", 1),
                Map.of("by", "service", "headers", Map.of("version", "2.0"), "rate", 1, "burst", 2))));
        assertThat(f.onRequest(onRoute("orders"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("orders"), frame).message()).contains("route=orders");
        assertThat(f.onRequest(onRoute("users"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("users"), frame).isContinue()).isTrue();
        FakeStreamContext v2 = onRoute("users").header("service", "S").header("version", "2.0");
        assertThat(f.onRequest(v2, frame).isContinue()).isTrue();
        assertThat(f.onRequest(v2, frame).isContinue()).isTrue();
        assertThat(f.onRequest(v2, frame).message()).contains("service=S");
        assertThat(f.limitedCount(0)).isZero();
        assertThat(f.limitedCount(1)).isEqualTo(1);
        assertThat(f.limitedCount(2)).isEqualTo(1);
    }

    @Test
    void bucketsAreBoundedAndFullOnesAreSweptAway() {
        RateLimitFilter f = filter(Map.of("by", "caller", "header", "c", "rate", 10, "burst", 1, "maxKeys", 2));
        assertThat(f.onRequest(onRoute("r").header("c", "a"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("r").header("c", "b"), frame).isContinue()).isTrue();
        // map full, a and b still refilling: c and d share the overflow bucket
        assertThat(f.onRequest(onRoute("r").header("c", "c"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("r").header("c", "d"), frame).isContinue()).isFalse();
        assertThat(f.bucketCount(0)).isEqualTo(2);
        assertThat(f.overflowCount(0)).isEqualTo(2);
        // a and b refill (and the sweep interval passes): they are forgotten, new keys get their own buckets
        clock.addAndGet(200 * MS);
        assertThat(f.onRequest(onRoute("r").header("c", "e"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("r").header("c", "f"), frame).isContinue()).isTrue();
        assertThat(f.bucketCount(0)).isEqualTo(2);
        assertThat(f.overflowCount(0)).isEqualTo(2);
    }

    @Test
    void clockWrapAroundIsHarmless() {
        clock.set(Long.MAX_VALUE - 50 * MS);
        RateLimitFilter f = filter(Map.of("rate", 10, "burst", 1));
        assertThat(f.onRequest(onRoute("r"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("r"), frame).isContinue()).isFalse();
        clock.addAndGet(100 * MS); // wraps past Long.MAX_VALUE
        assertThat(f.onRequest(onRoute("r"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(onRoute("r"), frame).isContinue()).isFalse();
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheBurst() throws Exception {
        RateLimitFilter f = filter(Map.of("by", "global", "rate", 1, "burst", 1000));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int passed = 0;
                    for (int i = 0; i < 2000; i++) {
                        passed += f.onRequest(onRoute("r"), new FakeFrame()).isContinue() ? 1 : 0;
                    }
                    return passed;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> r : results) {
                total += r.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(1000);
            assertThat(f.limitedCount()).isEqualTo(threads * 2000L - 1000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badConfigurationNamesTheKey() {
        assertThatThrownBy(() -> filter(Map.of("by", "route"))).hasMessageContaining("rate-limit.rate: required");
        assertThatThrownBy(() -> filter(Map.of("rate", 0))).hasMessageContaining("rate-limit.rate");
        assertThatThrownBy(() -> filter(Map.of("rate", 1, "burst", 0))).hasMessageContaining("rate-limit.burst");
        assertThatThrownBy(() -> filter(Map.of("rate", 1, "bursts", 3))).hasMessageContaining("rate-limit.bursts: unknown");
        assertThatThrownBy(() -> filter(Map.of("rate", 1, "by", "tenant"))).hasMessageContaining("rate-limit.by: must be one of");
        assertThatThrownBy(() -> filter(Map.of("rate", 1, "by", "caller"))).hasMessageContaining("rate-limit.header: required");
        assertThatThrownBy(() -> filter(Map.of("rules", List.of(Map.of("rate", 1), Map.of("rate", "fast")))))
                .hasMessageContaining("rate-limit.rules[1].rate: must be a number");
        assertThatThrownBy(() -> filter(Map.of("rules", List.of()))).hasMessageContaining("at least one rule");
        assertThatThrownBy(() -> filter(Map.of("rate", 1, "overrides", Map.of("x", Map.of("burst", 2)))))
                .hasMessageContaining("rate-limit.overrides.x.rate: required");
    }
}
