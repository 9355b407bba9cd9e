package io.xmesh.filters.fault;

import io.xmesh.filters.FakeFrame;
import io.xmesh.filters.FakeStreamContext;
import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.filter.FilterResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultFilterTest {

    private final FakeFrame frame = new FakeFrame();

    /** Dice returning the given values in turn. */
    private static DoubleSupplier dice(double... values) {
        Deque<Double> q = new ArrayDeque<>();
        for (double v : values) {
            q.add(v);
        }
        return () -> {
            if (q.isEmpty()) {
                throw new AssertionError("dice rolled more often than expected");
            }
            return q.removeFirst();
        };
    }

    private static FaultFilter filter(Map<String, Object> config, DoubleSupplier dice) {
        return new FaultFilterFactory().create(config, dice);
    }

    @Test
    void abortBelowThePercentageAndNotAtOrAbove() {
        FaultFilter f = filter(Map.of("abort", Map.of("percent", 25, "error", "overloaded", "message", "chaos")),
                dice(24.999, 25.0, 99.9));
        FakeStreamContext ctx = new FakeStreamContext().route("r");
        FilterResult r = f.onRequest(ctx, frame);
        assertThat(r.error()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(r.message()).isEqualTo("xmesh: fault injected: chaos");
        assertThat(ctx.attributes.get(FilterAttributes.ERROR_REASON)).isEqualTo("fault injected: chaos");
        assertThat(f.onRequest(new FakeStreamContext(), frame).isContinue()).isTrue();
        assertThat(f.onRequest(new FakeStreamContext(), frame).isContinue()).isTrue();
        assertThat(f.abortedCount()).isEqualTo(1);
    }

    @Test
    void delayHoldsAndIsReleasedOnComplete() {
        FaultFilter f = filter(Map.of("delay", Map.of("percent", 50, "duration", "1.5s")), dice(10, 60));
        FakeStreamContext ctx = new FakeStreamContext();
        FilterResult r = f.onRequest(ctx, frame);
        assertThat(r.isContinue()).isTrue();
        assertThat(r.delayNanos()).isEqualTo(1_500_000_000L);
        assertThat(f.activeDelays()).isEqualTo(1);
        assertThat(f.onRequest(new FakeStreamContext(), frame).delayNanos()).isZero();
        f.onComplete(ctx);
        f.onComplete(ctx); // a second call must not count twice
        f.onComplete(new FakeStreamContext());
        assertThat(f.activeDelays()).isZero();
        assertThat(f.delayedCount()).isEqualTo(1);
    }

    @Test
    void abortWinsOverDelayAndDelayIsDrawnOnlyWhenNotAborted() {
        FaultFilter f = filter(Map.of("abort", Map.of("percent", 50), "delay", Map.of("percent", 50, "duration", 10)),
                dice(1, /* abort miss */ 70, /* delay hit */ 1));
        assertThat(f.onRequest(new FakeStreamContext(), frame).error()).isEqualTo(ErrorKind.REJECTED);
        assertThat(f.onRequest(new FakeStreamContext(), frame).delayNanos()).isEqualTo(10_000_000L);
    }

    @Test
    void zeroAndHundredPercentNeedNoDice() {
        FaultFilter all = filter(Map.of("abort", Map.of("percent", 100)), dice());
        assertThat(all.onRequest(new FakeStreamContext(), frame).isContinue()).isFalse();
        FaultFilter none = filter(Map.of("abort", Map.of("percent", 0), "delay", Map.of("percent", 0, "duration", 5)), dice());
        assertThat(none.onRequest(new FakeStreamContext(), frame)).isSameAs(FilterResult.CONTINUE);
    }

    @Test
    void onlyMatchingRequestsAreTouched() {
        FaultFilter f = filter(Map.of("match", Map.of("routes", List.of("orders"), "headers", Map.of("x-fault", "on")),
                "abort", Map.of("percent", 100)), dice());
        assertThat(f.onRequest(new FakeStreamContext().route("orders"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(new FakeStreamContext().route("users").header("x-fault", "on"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(new FakeStreamContext().header("x-fault", "on"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(new FakeStreamContext().route("orders").header("x-fault", "off"), frame).isContinue()).isTrue();
        assertThat(f.onRequest(new FakeStreamContext().route("orders").header("x-fault", "on"), frame).isContinue()).isFalse();
    }

    @Test
    void activeDelaysAreBounded() {
        FaultFilter f = filter(Map.of("delay", Map.of("percent", 100, "duration", 100), "maxActiveDelays", 2), dice());
        FakeStreamContext a = new FakeStreamContext();
        FakeStreamContext b = new FakeStreamContext();
        FakeStreamContext c = new FakeStreamContext();
        assertThat(f.onRequest(a, frame).delayNanos()).isPositive();
        assertThat(f.onRequest(b, frame).delayNanos()).isPositive();
        assertThat(f.onRequest(c, frame).delayNanos()).isZero();
        assertThat(f.delaysSkippedCount()).isEqualTo(1);
        f.onComplete(a);
        f.onComplete(c);
        assertThat(f.activeDelays()).isEqualTo(1);
        assertThat(f.onRequest(new FakeStreamContext(), frame).delayNanos()).isPositive();
    }

    @Test
    void configuredRateIsHonouredOverManyRequests() {
        SplittableRandom random = new SplittableRandom(42);
        FaultFilter f = filter(Map.of("abort", Map.of("percent", 12.5)), () -> random.nextDouble(100));
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            f.onRequest(new FakeStreamContext(), frame);
        }
        // binomial(20000, 0.125): sd ~ 47; 5 sd either side
        assertThat(f.abortedCount()).isBetween(2500L - 235, 2500L + 235);
    }

    @Test
    void badConfigurationNamesTheKey() {
        assertThatThrownBy(() -> filter(Map.of(), dice())).hasMessageContaining("abort, delay or both");
        assertThatThrownBy(() -> filter(Map.of("abort", Map.of("percent", 101)), dice()))
                .hasMessageContaining("fault.abort.percent: must be between 0 and 100");
        assertThatThrownBy(() -> filter(Map.of("abort", Map.of("percent", 1, "error", "boom")), dice()))
                .hasMessageContaining("fault.abort.error: must be one of");
        assertThatThrownBy(() -> filter(Map.of("delay", Map.of("percent", 1)), dice()))
                .hasMessageContaining("fault.delay.duration: required");
        assertThatThrownBy(() -> filter(Map.of("delay", Map.of("percent", 1, "duration", "soon")), dice()))
                .hasMessageContaining("fault.delay.duration: must be a duration");
        assertThatThrownBy(() -> filter(Map.of("delay", Map.of("percent", 1, "duration", "2h")), dice()))
                .hasMessageContaining("fault.delay.duration: must be more than 0 and at most 1h");
        assertThatThrownBy(() -> filter(Map.of("match", Map.of("route", "x"), "abort", Map.of("percent", 1)), dice()))
                .hasMessageContaining("fault.match.route: unknown setting");
    }
}
