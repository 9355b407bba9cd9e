package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponse;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpProtocolTest {

    private final HttpProtocol protocol = new HttpProtocol();

    @Test
    void isAPluginFoundByServiceLoader() {
        XmeshPlugin p = HttpProtocol.class.getAnnotation(XmeshPlugin.class);
        assertEquals("http", p.name());
        assertEquals(200, p.order());
        assertThat(ServiceLoader.load(XProtocol.class).stream().map(ServiceLoader.Provider::type))
                .contains(HttpProtocol.class);
        assertFalse(protocol.multiplexing());
        assertNull(protocol.heartbeat(1, ByteBufAllocator.DEFAULT));
        assertThatThrownBy(() -> protocol.heartbeatReply(null, ByteBufAllocator.DEFAULT))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/1.1|MATCH",
        "'POST '|MATCH",
        "PROPFIND /x|MATCH",
        "\\r\\nGET /|MATCH",
        "GE|NEED_MORE",
        "''|NEED_MORE",
        "\\r\\n|NEED_MORE",
        "PRI * HTTP/2.0|NO_MATCH",
        "get /|NO_MATCH",
        "' GET'|NO_MATCH",
        "\\u00da\\u00bb|NO_MATCH",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ|NO_MATCH",
    })
    void matchesRequestLines(String start, ProtocolMatch expected) {
        String s = start.replace("\\r", "\r").replace("\\n", "\n").replace("\\u00da", "\u00da").replace("\\u00bb", "\u00bb");
        ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
        try {
            int r = buf.readerIndex();
            int w = buf.writerIndex();
            assertEquals(expected, protocol.match(buf));
            assertEquals(r, buf.readerIndex());
            assertEquals(w, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "NO_ROUTE,404,no-route",
        "NO_HEALTHY_HOST,503,no-healthy-host",
        "CONNECT_FAILED,502,connect-failed",
        "UPSTREAM_RESET,502,upstream-reset",
        "TIMEOUT,504,timeout",
        "RATE_LIMITED,429,rate-limited",
        "OVERLOADED,503,overloaded",
        "BAD_REQUEST,400,bad-request",
        "REJECTED,503,rejected",
        "INTERNAL,500,internal",
    })
    void errorReplyCarriesStatusReasonAndText(ErrorKind kind, int status, String reason) {
        XFrame f = protocol.errorReply(HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE, 9, kind, "xmesh: why", ByteBufAllocator.DEFAULT);
        try {
            assertEquals(FrameKind.RESPONSE, f.kind());
            assertEquals(9, f.requestId());
            assertEquals(status, f.status());
            assertEquals(status >= 500, f.isServerError());
            assertTrue(f.endOfStream());
            assertEquals(reason, f.header("x-xmesh-error"));
            assertEquals("text/plain; charset=utf-8", f.header("content-type"));
            assertEquals("xmesh: why\n", f.content().toString(StandardCharsets.UTF_8));
            assertEquals("11", f.header("content-length"));
            assertNull(f.header("connection"));
            boolean retry = kind == ErrorKind.RATE_LIMITED || kind == ErrorKind.OVERLOADED;
            assertEquals(retry ? "1" : null, f.header("retry-after"));
        } finally {
            f.release();
        }
    }

    @Test
    void errorReplyHonoursTheTemplate() {
        XFrame close = protocol.errorReply(HttpReplyTemplate.HTTP_1_0_CLOSE, 1, ErrorKind.NO_ROUTE, "xmesh: x",
                ByteBufAllocator.DEFAULT);
        XFrame unknown = protocol.errorReply(null, 1, ErrorKind.NO_ROUTE, "xmesh: " + "y".repeat(5000),
                ByteBufAllocator.DEFAULT);
        XFrame old = protocol.errorReply(HttpReplyTemplate.HTTP_1_0_KEEP_ALIVE, 1, ErrorKind.NO_ROUTE, "xmesh: x",
                ByteBufAllocator.DEFAULT);
        try {
            assertEquals("keep-alive", old.header("connection"));
            assertEquals("close", close.header("connection"));
            assertNull(unknown.header("connection"));
            assertEquals(HttpMessages.MAX_MESSAGE_CHARS + 1, unknown.content().readableBytes());
        } finally {
            close.release();
            unknown.release();
            old.release();
        }
    }

    @Test
    void frameReferenceCountCoversItsContent() {
        HttpFrame f = (HttpFrame) protocol.errorReply(null, 1, ErrorKind.INTERNAL, "xmesh: x", ByteBufAllocator.DEFAULT);
        ByteBuf body = f.content();
        assertEquals(1, f.refCnt());
        f.retain();
        assertEquals(2, f.refCnt());
        assertFalse(f.release());
        assertEquals(1, body.refCnt());
        assertTrue(f.release());
        assertEquals(0, body.refCnt());
        assertThat(f.httpObject()).isInstanceOf(HttpResponse.class);
    }

    @ParameterizedTest
    @CsvSource({"GET,true", "HEAD,true", "OPTIONS,true", "TRACE,true", "PUT,true", "DELETE,true",
        "POST,false", "PATCH,false", "PROPFIND,false"})
    void requestsSayWhetherTheyAreIdempotent(String method, boolean idempotent) {
        HttpFrame f = HttpFrame.request(1, new io.netty.handler.codec.http.DefaultHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.valueOf(method), "/"),
                true, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE);
        try {
            assertEquals(idempotent, f.idempotent());
        } finally {
            f.release();
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> HttpSettings.from(new CodecOptions(1024, Map.of("max-body-size", "lots"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-body-size");
        assertThatThrownBy(() -> HttpSettings.from(new CodecOptions(1024, Map.of("max-header-count", 0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpSettings.from(new CodecOptions(1024, Map.of("x-forwarded-for", "maybe"))))
                .isInstanceOf(IllegalArgumentException.class);
        HttpSettings s = HttpSettings.from(new CodecOptions(1024, Map.of("max-body-size", "1000", "via", "edge")));
        assertEquals(1000, s.maxBodySize());
        assertEquals("edge", s.via());
        assertNull(s.hostRewrite());
    }
}
