package io.xmesh.filters.tracing;

import io.xmesh.filters.FakeFrame;
import io.xmesh.filters.FakeStreamContext;
import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.filter.FilterResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracingFilterTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE + "-" + PARENT + "-01";

    private static TracingFilter fixed(boolean generate, Set<TracingFilter.Format> inject) {
        return new TracingFilter(generate, inject, true, () -> "0af7651916cd43dd8448eb211c80319c", () -> "b7ad6b7169203331");
    }

    private static String run(TracingFilter f, FakeFrame frame, FakeStreamContext ctx) {
        FilterResult r = f.onRequest(ctx, frame);
        assertThat(r).isSameAs(FilterResult.CONTINUE);
        return (String) ctx.attributes.get(FilterAttributes.TRACE_ID);
    }

    @Test
    void incomingTraceparentIsReadAndLeftUntouched() {
        TracingFilter f = fixed(true, EnumSet.of(TracingFilter.Format.W3C));
        FakeFrame frame = new FakeFrame().header("traceparent", TRACEPARENT);
        FakeStreamContext ctx = new FakeStreamContext();
        assertThat(run(f, frame, ctx)).isEqualTo(TRACE);
        assertThat(ctx.attributes.get(FilterAttributes.TRACE_SOURCE)).isEqualTo("traceparent");
        assertThat(frame.setHeaders).isEmpty();
        assertThat(f.continuedCount()).isEqualTo(1);
        assertThat(f.generatedCount()).isZero();
    }

    @Test
    void b3AndSkyWalkingFormatsAreRead() {
        TracingFilter f = fixed(false, EnumSet.noneOf(TracingFilter.Format.class));
        assertThat(run(f, new FakeFrame().header("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"),
                new FakeStreamContext())).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
        assertThat(run(f, new FakeFrame().header("b3", "A64FE8B2A57D3EFF-e457b5a2e4d86bd1"), new FakeStreamContext()))
                .isEqualTo("a64fe8b2a57d3eff");
        // Dubbo attachment names as a Java tracer sends them, and lower-case HTTP header names
        assertThat(run(f, new FakeFrame().header("X-B3-TraceId", "463ac35c9f6413ad").header("X-B3-SpanId", "a2fb4a1d1a96d312"),
                new FakeStreamContext())).isEqualTo("463ac35c9f6413ad");
        assertThat(run(f, new FakeFrame().header("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"), new FakeStreamContext()))
                .isEqualTo("463ac35c9f6413ad48485a3953bb6124");
        String swTrace = "a.b.c" + "1690000000000";
        String sw8 = "1-" + b64(swTrace) + "-" + b64("seg.1") + "-3-" + b64("svc") + "-" + b64("inst") + "-" + b64("/ep")
                + "-" + b64("127.0.0.1:8080");
        FakeStreamContext ctx = new FakeStreamContext();
        assertThat(run(f, new FakeFrame().header("sw8", sw8), ctx)).isEqualTo(swTrace);
        assertThat(ctx.attributes.get(FilterAttributes.TRACE_SOURCE)).isEqualTo("sw8");
        assertThat(f.continuedCount()).isEqualTo(5);
    }

    @Test
    void traceparentWinsOverOtherFormats() {
        TracingFilter f = fixed(true, EnumSet.of(TracingFilter.Format.W3C));
        FakeFrame frame = new FakeFrame().header("X-B3-TraceId", "463ac35c9f6413ad").header("traceparent", TRACEPARENT);
        assertThat(run(f, frame, new FakeStreamContext())).isEqualTo(TRACE);
    }

    @Test
    void invalidContextsAreIgnored() {
        List<String> badTraceparents = List.of(
                "ff-" + TRACE + "-" + PARENT + "-01",                  // forbidden version
                "00-" + "0".repeat(32) + "-" + PARENT + "-01",          // zero trace id
                "00-" + TRACE + "-" + "0".repeat(16) + "-01",           // zero parent id
                "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01",     // upper case
                "00-" + TRACE + "-" + PARENT + "-01-extra",             // version 00 has no extra fields
                "00-" + TRACE + "-" + PARENT,                           // too short
                "0x-" + TRACE + "-" + PARENT + "-01",
                "");
        for (String bad : badTraceparents) {
            assertThat(TraceHeaders.traceparentTraceId(bad)).as(bad).isNull();
        }
        // a future version may append fields
        assertThat(TraceHeaders.traceparentTraceId("01-" + TRACE + "-" + PARENT + "-01-what-ever")).isEqualTo(TRACE);
        assertThat(TraceHeaders.b3TraceId("1")).isNull();
        assertThat(TraceHeaders.b3TraceId("d")).isNull();
        assertThat(TraceHeaders.b3TraceId("463ac35c9f6413a-e457b5a2e4d86bd1")).isNull();
        assertThat(TraceHeaders.b3TraceId("463ac35c9f6413ad-xyz")).isNull();
        assertThat(TraceHeaders.b3MultiTraceId("0000000000000000")).isNull();
        assertThat(TraceHeaders.b3MultiTraceId("not-hex-at-all!!")).isNull();
        assertThat(TraceHeaders.sw8TraceId("1-!!!-a-b-c-d-e-f")).isNull();
        assertThat(TraceHeaders.sw8TraceId("1-" + b64("t") + "-too-few")).isNull();
        assertThat(TraceHeaders.sw8TraceId("2-" + b64("t") + "-a-b-c-d-e-f")).isNull();
    }

    @Test
    void generatesAndInjectsWhenNoneCameIn() {
        TracingFilter f = fixed(true, EnumSet.allOf(TracingFilter.Format.class));
        FakeFrame frame = new FakeFrame().header("traceparent", "garbage");
        FakeStreamContext ctx = new FakeStreamContext();
        assertThat(run(f, frame, ctx)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(ctx.attributes.get(FilterAttributes.TRACE_SOURCE)).isEqualTo("generated");
        assertThat(frame.setHeaders).containsExactlyInAnyOrderEntriesOf(Map.of(
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "X-B3-TraceId", "0af7651916cd43dd8448eb211c80319c",
                "X-B3-SpanId", "b7ad6b7169203331",
                "X-B3-Sampled", "1",
                "b3", "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1"));
        assertThat(TraceHeaders.traceparentTraceId(frame.setHeaders.get("traceparent"))).isNotNull();
        assertThat(ctx.attributes).doesNotContainKey(FilterAttributes.TRACE_PROPAGATED);
    }

    @Test
    void codecThatCannotAddHeadersIsRecorded() {
        TracingFilter f = fixed(true, EnumSet.of(TracingFilter.Format.W3C));
        FakeFrame frame = new FakeFrame();
        frame.settable = false;
        FakeStreamContext ctx = new FakeStreamContext();
        assertThat(run(f, frame, ctx)).isNotNull();
        assertThat(ctx.attributes.get(FilterAttributes.TRACE_PROPAGATED)).isEqualTo(Boolean.FALSE);
        assertThat(f.notPropagatedCount()).isEqualTo(1);
    }

    @Test
    void withoutGenerateNothingIsAdded() {
        TracingFilter f = fixed(false, EnumSet.of(TracingFilter.Format.W3C));
        FakeFrame frame = new FakeFrame();
        FakeStreamContext ctx = new FakeStreamContext();
        assertThat(run(f, frame, ctx)).isNull();
        assertThat(frame.setHeaders).isEmpty();
        assertThat(f.untracedCount()).isEqualTo(1);
    }

    @Test
    void headerThatCannotBeReadCountsAsAbsent() {
        TracingFilter f = fixed(true, EnumSet.of(TracingFilter.Format.W3C));
        FakeFrame frame = new FakeFrame() {
            @Override
            public String header(String name) {
                throw new CodecException("corrupt attachments");
            }
        };
        assertThat(run(f, frame, new FakeStreamContext())).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void randomIdsAreWellFormed() {
        for (int i = 0; i < 1000; i++) {
            String trace = TracingFilter.randomHex(2);
            String span = TracingFilter.randomHex(1);
            assertThat(TraceHeaders.traceparentTraceId("00-" + trace + "-" + span + "-01")).isEqualTo(trace);
        }
    }

    @Test
    void factoryReadsConfig() {
        TracingFilter f = (TracingFilter) new TracingFilterFactory().create(Map.of("inject", List.of("b3", "w3c")));
        assertThat(f.injectFormats()).containsExactly(TracingFilter.Format.W3C, TracingFilter.Format.B3);
        assertThatThrownBy(() -> new TracingFilterFactory().create(Map.of("inject", List.of("jaeger"))))
                .hasMessageContaining("tracing.inject: unknown format 'jaeger'");
        assertThatThrownBy(() -> new TracingFilterFactory().create(Map.of("inject", List.of())))
                .hasMessageContaining("tracing.inject: must name at least one format");
        assertThatThrownBy(() -> new TracingFilterFactory().create(Map.of("generate", "maybe")))
                .hasMessageContaining("tracing.generate: must be true or false");
        FakeFrame frame = new FakeFrame();
        FakeStreamContext ctx = new FakeStreamContext();
        new TracingFilterFactory().create(Map.of()).onRequest(ctx, frame);
        assertThat(frame.setHeaders).containsOnlyKeys("traceparent");
        assertThat(frame.setHeaders.get("traceparent")).contains((String) ctx.attributes.get(FilterAttributes.TRACE_ID));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
