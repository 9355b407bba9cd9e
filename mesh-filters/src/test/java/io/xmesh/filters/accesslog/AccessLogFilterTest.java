package io.xmesh.filters.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xmesh.filters.FakeStreamContext;
import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.filter.StreamFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class AccessLogFilterTest {

    private final ObjectMapper mapper = new ObjectMapper();

    /** Collects lines; optionally blocks every write until released, or fails writes. */
    static final class ListSink implements AccessLogSink {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch firstWrite = new CountDownLatch(1);
        volatile boolean block;
        volatile int failNext;
        volatile int closes;

        @Override
        public void writeLine(String line) throws IOException {
            firstWrite.countDown();
            if (block) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failNext > 0) {
                failNext--;
                throw new IOException("disk full");
            }
            lines.add(line);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            closes++;
        }
    }

    private static AccessLogFilter filter(int queueSize, AccessLogSink sink) {
        return new AccessLogFilter(queueSize, sink, () -> 1_700_000_000_123L, () -> 5_000_000_000L, "test-access-log");
    }

    private static FakeStreamContext dubboRequest() {
        FakeStreamContext ctx = new FakeStreamContext();
        ctx.listener = "egress-dubbo";
        ctx.protocol = "dubbo";
        ctx.remote = new InetSocketAddress("127.0.0.1", 51234);
        ctx.route = FakeStreamContext.route("greeter", "greeter-cluster");
        ctx.upstreamHost = "127.0.0.1:20880";
        ctx.startNanos = 5_000_000_000L - 12_345_678L;
        ctx.status = 20;
        ctx.requestBytes = 321;
        ctx.responseBytes = 99;
        ctx.header("service", "com.acme.Greeter").header("method", "hello").header("version", "1.0.0");
        ctx.attributes.put(FilterAttributes.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736");
        return ctx;
    }

    @Test
    void writesOneCompleteJsonLinePerRequest() throws Exception {
        ListSink sink = new ListSink();
        AccessLogFilter f = filter(16, sink);
        assertThat(f.writerStarted()).isFalse();
        f.onComplete(dubboRequest());
        FakeStreamContext http = new FakeStreamContext();
        http.protocol = "http";
        http.startNanos = 5_000_000_000L - 999;
        http.error = ErrorKind.RATE_LIMITED;
        http.status = 429;
        http.header(":authority", "shop:8080").header(":path", "/items?q=\"x\"\n").header(":method", "GET");
        http.attributes.put(FilterAttributes.ERROR_REASON, "rate limited: route=shop (1/s, burst 1); retry after 1000 ms");
        f.onComplete(http);
        assertThat(f.writerStarted()).isTrue();
        f.close(5_000);

        assertThat(sink.lines).hasSize(2);
        JsonNode a = mapper.readTree(sink.lines.get(0));
        assertThat(a.get("time").asText()).isEqualTo("2023-11-14T22:13:20.111Z"); // end time minus 12.3 ms
        assertThat(a.get("listener").asText()).isEqualTo("egress-dubbo");
        assertThat(a.get("protocol").asText()).isEqualTo("dubbo");
        assertThat(a.get("downstream").asText()).isEqualTo("127.0.0.1:51234");
        assertThat(a.get("service").asText()).isEqualTo("com.acme.Greeter");
        assertThat(a.get("method").asText()).isEqualTo("hello");
        assertThat(a.get("version").asText()).isEqualTo("1.0.0");
        assertThat(a.get("group").isNull()).isTrue();
        assertThat(a.get("path").isNull()).isTrue();
        assertThat(a.get("route").asText()).isEqualTo("greeter");
        assertThat(a.get("cluster").asText()).isEqualTo("greeter-cluster");
        assertThat(a.get("upstream_host").asText()).isEqualTo("127.0.0.1:20880");
        assertThat(a.get("status").asInt()).isEqualTo(20);
        assertThat(a.get("request_bytes").asLong()).isEqualTo(321);
        assertThat(a.get("response_bytes").asLong()).isEqualTo(99);
        assertThat(a.get("duration_ms").decimalValue()).isEqualByComparingTo("12.345");
        assertThat(a.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(a.get("error").isNull()).isTrue();
        assertThat(a.get("reason").isNull()).isTrue();

        JsonNode b = mapper.readTree(sink.lines.get(1));
        assertThat(b.get("authority").asText()).isEqualTo("shop:8080");
        assertThat(b.get("path").asText()).isEqualTo("/items?q=\"x\"\n");
        assertThat(b.get("http_method").asText()).isEqualTo("GET");
        assertThat(b.get("route").isNull()).isTrue();
        assertThat(b.get("error").asText()).isEqualTo("RATE_LIMITED");
        assertThat(b.get("reason").asText()).startsWith("rate limited: route=shop");
        assertThat(b.get("duration_ms").decimalValue()).isEqualByComparingTo("0.000");
        assertThat(sink.lines.get(1)).doesNotContain("\n");
        assertThat(f.writtenCount()).isEqualTo(2);
        assertThat(sink.closes).isEqualTo(1);
    }

    @Test
    void fullQueueDropsAndCountsWithoutBlockingTheCaller() throws Exception {
        ListSink sink = new ListSink();
        sink.block = true;
        AccessLogFilter f = filter(2, sink);
        f.onComplete(dubboRequest());
        assertThat(sink.firstWrite.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds entry 1
        // the writer is stuck: 2 fit in the queue, the rest are dropped, and no call waits
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 10; i++) {
                f.onComplete(dubboRequest());
            }
        });
        assertThat(f.enqueuedCount()).isEqualTo(3);
        assertThat(f.droppedCount()).isEqualTo(8);
        sink.release.countDown();
        f.close(10_000);
        assertThat(sink.lines).hasSize(3);
        f.onComplete(dubboRequest());
        assertThat(f.droppedCount()).isEqualTo(9);
    }

    @Test
    void writeErrorsAreCountedAndWritingGoesOn() throws Exception {
        ListSink sink = new ListSink();
        sink.failNext = 1;
        AccessLogFilter f = filter(16, sink);
        f.onComplete(dubboRequest());
        f.onComplete(dubboRequest());
        f.close(10_000);
        assertThat(f.writeErrorCount()).isEqualTo(1);
        assertThat(sink.lines).hasSize(1);
    }

    @Test
    void unreadableHeaderIsLoggedAsNull() throws Exception {
        ListSink sink = new ListSink();
        AccessLogFilter f = filter(16, sink);
        FakeStreamContext ctx = new FakeStreamContext() {
            @Override
            public String requestHeader(String name) {
                if (name.equals("group")) {
                    throw new CodecException("bad attachments");
                }
                return super.requestHeader(name);
            }
        };
        ctx.header("service", "S");
        f.onComplete(ctx);
        f.close(10_000);
        JsonNode n = mapper.readTree(sink.lines.get(0));
        assertThat(n.get("service").asText()).isEqualTo("S");
        assertThat(n.get("group").isNull()).isTrue();
    }

    @Test
    void factoryWritesToAFileAndAppends(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        for (int round = 0; round < 2; round++) {
            StreamFilter created = new AccessLogFilterFactory().create(Map.of("path", file.toString(), "queueSize", 64));
            AccessLogFilter f = (AccessLogFilter) created;
            assertThat(f.writerStarted()).isFalse();
            f.onComplete(dubboRequest());
            f.close(10_000);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(mapper.readTree(line).get("service").asText()).isEqualTo("com.acme.Greeter");
        }
    }

    @Test
    void factoryRejectsBadSettings(@TempDir Path dir) {
        assertThatThrownBy(() -> new AccessLogFilterFactory().create(Map.of("path", dir.resolve("nope/a.log").toString())))
                .hasMessageContaining("access-log.path: folder").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new AccessLogFilterFactory().create(Map.of("path", dir.toString())))
                .hasMessageContaining("is a folder");
        assertThatThrownBy(() -> new AccessLogFilterFactory().create(Map.of("queueSize", 0)))
                .hasMessageContaining("access-log.queueSize");
        assertThatThrownBy(() -> new AccessLogFilterFactory().create(Map.of("format", "text")))
                .hasMessageContaining("access-log.format: unknown setting");
    }
}
