package io.xmesh.bootstrap.cluster;

import io.xmesh.bootstrap.cluster.CircuitBreaker.Limits;
import io.xmesh.bootstrap.cluster.CircuitBreaker.Resource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CircuitBreakerTest {

    @Test
    void refusesOverTheLimitAndGrantsAgainAfterRelease() {
        CircuitBreaker cb = new CircuitBreaker("orders", new Limits(2, 1, 3, 0));
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isTrue();
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isTrue();
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isTrue();
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isFalse();
        assertThat(cb.refusal(Resource.REQUESTS))
                .isEqualTo("xmesh: circuit breaker open: cluster 'orders' has 3 requests in flight (max-requests 3)");
        cb.release(Resource.REQUESTS);
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isTrue();
        assertThat(cb.refusedCount(Resource.REQUESTS)).isEqualTo(1);
        assertThat(cb.inUse(Resource.REQUESTS)).isEqualTo(3);
        // resources are independent
        assertThat(cb.tryAcquire(Resource.CONNECTIONS)).isTrue();
        assertThat(cb.tryAcquire(Resource.CONNECTIONS)).isTrue();
        assertThat(cb.tryAcquire(Resource.CONNECTIONS)).isFalse();
        assertThat(cb.tryAcquire(Resource.PENDING_REQUESTS)).isTrue();
        assertThat(cb.tryAcquire(Resource.PENDING_REQUESTS)).isFalse();
        // a zero limit refuses everything: no retries here
        assertThat(cb.tryAcquire(Resource.RETRIES)).isFalse();
        assertThat(cb.refusal(Resource.RETRIES)).contains("0 retries in flight (max-retries 0)");
    }

    @Test
    void releasingMoreThanAcquiredIsABug() {
        CircuitBreaker cb = new CircuitBreaker("c", Limits.DEFAULT);
        assertThatThrownBy(() -> cb.release(Resource.RETRIES)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RETRIES released more often than acquired");
        assertThat(cb.inUse(Resource.RETRIES)).isZero();
    }

    @Test
    void loweringALimitRefusesNewButKeepsGranted() {
        CircuitBreaker cb = new CircuitBreaker("c", new Limits(10, 10, 10, 10));
        for (int i = 0; i < 5; i++) {
            assertThat(cb.tryAcquire(Resource.REQUESTS)).isTrue();
        }
        cb.limits(new Limits(10, 10, 3, 10));
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isFalse();
        for (int i = 0; i < 3; i++) {
            cb.release(Resource.REQUESTS);
        }
        assertThat(cb.inUse(Resource.REQUESTS)).isEqualTo(2);
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isTrue();
        assertThat(cb.tryAcquire(Resource.REQUESTS)).isFalse();
    }

    @Test
    void neverGrantsMoreThanTheLimitUnderContention() throws Exception {
        CircuitBreaker cb = new CircuitBreaker("c", new Limits(1, 1, 50, 1));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20_000; i++) {
                        if (cb.tryAcquire(Resource.REQUESTS)) {
                            int h = held.incrementAndGet();
                            maxHeld.accumulateAndGet(h, Math::max);
                            held.decrementAndGet();
                            cb.release(Resource.REQUESTS);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxHeld.get()).isLessThanOrEqualTo(50);
        assertThat(cb.inUse(Resource.REQUESTS)).isZero();
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new Limits(-1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
