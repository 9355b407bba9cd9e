package io.xmesh.sample;

import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Apache Dubbo 3.3.6 consumer (hessian2, direct URL) calls the sample backend: proves wire compatibility. */
class SampleDubboServerInteropTest {
    /** Not exported by the sample backend. */
    interface OtherService {
        String greet(String name);
    }

    static SampleBackends backends;
    static DubboConsumer<GreetingService> consumer;

    @BeforeAll
    static void start() {
        DubboTestApps.prepareJvm(200);
        backends = SampleBackends.start(0, -1);
        consumer = DubboTestApps.consumer(GreetingService.class, "interop-consumer").direct(backends.dubboPort())
                .serialization("hessian2").start();
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    @Test
    void greets() {
        assertThat(consumer.service().greet("World")).isEqualTo("Hello, World");
    }

    @Test
    void nullNonAsciiAndLongNamesSurviveTheRoundTrip() {
        assertThat(consumer.service().greet(null)).isEqualTo("Hello, null");
        assertThat(consumer.service().greet("Grüße, 世界 \uD83D\uDE00")).isEqualTo("Hello, Grüße, 世界 \uD83D\uDE00");
        String medium = "m".repeat(1000);
        assertThat(consumer.service().greet(medium)).isEqualTo("Hello, " + medium);
        // longer than one hessian chunk (32768 chars), with a surrogate pair across the chunk boundary
        String chunked = "c".repeat(32767 - 7) + "\uD83D\uDE00" + "é".repeat(40000);
        assertThat(consumer.service().greet(chunked)).isEqualTo("Hello, " + chunked);
    }

    @Test
    void concurrentCallersOnTheSharedConnectionGetTheirOwnAnswers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int caller = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        String name = "caller-" + caller + "-" + i;
                        if (!("Hello, " + name).equals(consumer.service().greet(name))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownServiceIsReportedWithTheBackendsMessage() {
        try (DubboConsumer<OtherService> other =
                     DubboTestApps.consumer(OtherService.class, "interop-consumer-2")
                             .direct(backends.dubboPort()).serialization("hessian2").start()) {
            assertThatThrownBy(() -> other.service().greet("x"))
                    .hasMessageContaining("Not found exported service: " + OtherService.class.getName())
                    .hasMessageContaining("exports only io.xmesh.sample.GreetingService");
        }
    }
}
