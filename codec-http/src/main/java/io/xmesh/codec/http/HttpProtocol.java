package io.xmesh.codec.http;

import com.google.auto.service.AutoService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.Locale;

/**
 * HTTP/1.1 for xmesh, on Netty's HTTP codec (no parser of its own).
 *
 * <h2>Frames</h2>
 * A message is a head frame ({@code REQUEST} or {@code RESPONSE}) followed, when it has a body,
 * by {@code DATA} frames of the same id, the last with {@code endOfStream()}; bodies are streamed,
 * never aggregated. See {@link HttpFrame} for what {@code content()} holds and who owns what.
 * HTTP/1.1 has no ids: the server side numbers the requests of each connection 1, 2, 3...; the
 * client side gives responses the ids of the written requests in FIFO order. Since an upstream
 * connection answers in order, {@link #multiplexing()} is false: the proxy sends one request at a
 * time on an upstream connection.
 *
 * <h2>Pipelines</h2>
 * <pre>
 * SERVER: http-read-watch | http-decoder (strict HttpRequestDecoder) | http-encoder (HttpResponseEncoder)
 *         | http-server (HttpServerHandler: ids, limits, own error answers, response order) | proxy...
 * CLIENT: http-codec (HttpClientCodec) | http-client (HttpClientHandler: FIFO ids, hop-by-hop) | proxy...
 * </pre>
 * Hostile and over-limit requests are answered by the server-side handler itself (400, 408, 413,
 * 414, 417, 431, 501, 505, then close); the proxy only sees a fatal {@link HttpCodecException}
 * afterwards. Settings: {@link HttpSettings}.
 *
 * <h2>Threading</h2>
 * Stateless and immutable; every method may be called on any event loop and does not block.
 */
@XmeshPlugin(name = HttpProtocol.NAME, order = 200, description = "HTTP/1.1 on Netty's HTTP codec")
@AutoService(XProtocol.class)
public final class HttpProtocol implements XProtocol {

    /** The protocol's name in configuration. */
    public static final String NAME = "http";

    /** Longest method token {@link #match} waits for before deciding. */
    private static final int MAX_METHOD_LENGTH = 20;

    /** No side effects. */
    public HttpProtocol() {
    }

    /**
     * MATCH when the connection starts (after optional empty lines) with a method token of upper
     * case letters followed by a space, as every HTTP/1.x request line does; {@code PRI} (the
     * HTTP/2 preface) does not match. NEED_MORE while only such letters have arrived.
     *
     * @param firstBytes <b>borrowed</b>; indices unchanged
     */
    @Override
    public ProtocolMatch match(ByteBuf firstBytes) {
        int i = firstBytes.readerIndex();
        int end = firstBytes.writerIndex();
        while (i < end && (firstBytes.getByte(i) == '\r' || firstBytes.getByte(i) == '\n')) {
            i++;
        }
        int start = i;
        while (i < end) {
            byte b = firstBytes.getByte(i);
            if (b == ' ') {
                int len = i - start;
                if (len == 0) {
                    return ProtocolMatch.NO_MATCH;
                }
                boolean pri = len == 3 && firstBytes.getByte(start) == 'P' && firstBytes.getByte(start + 1) == 'R'
                        && firstBytes.getByte(start + 2) == 'I';
                return pri ? ProtocolMatch.NO_MATCH : ProtocolMatch.MATCH;
            }
            boolean tokenChar = b >= 'A' && b <= 'Z' || b == '_' || b == '-';
            if (!tokenChar || i - start >= MAX_METHOD_LENGTH) {
                return ProtocolMatch.NO_MATCH;
            }
            i++;
        }
        return ProtocolMatch.NEED_MORE;
    }

    /**
     * Installs the handlers of {@code side} (see the class javadoc) at the end of the pipeline.
     *
     * @throws IllegalArgumentException when a setting in {@code options} is invalid
     */
    @Override
    public void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options) {
        HttpSettings s = HttpSettings.from(options);
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(s.maxInitialLineLength())
                .setMaxHeaderSize(s.maxHeaderSize())
                .setMaxChunkSize(s.maxChunkSize())
                .setAllowDuplicateContentLengths(false)
                .setAllowPartialChunks(true)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
        if (side == ProtocolSide.SERVER) {
            HeadAwareResponseEncoder encoder = new HeadAwareResponseEncoder();
            HttpServerHandler handler = new HttpServerHandler(s, encoder);
            pipeline.addLast("http-read-watch", handler.readWatcher());
            pipeline.addLast("http-decoder", new StrictRequestDecoder(config));
            pipeline.addLast("http-encoder", encoder);
            pipeline.addLast("http-server", handler);
        } else {
            pipeline.addLast("http-codec", new HttpClientCodec(config, false, false));
            pipeline.addLast("http-client", new HttpClientHandler(s));
        }
    }

    /** False: HTTP/1.1 answers in order, one request at a time per upstream connection. */
    @Override
    public boolean multiplexing() {
        return false;
    }

    /**
     * HTTP has no heartbeat frames, so the proxy never receives one to answer.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public XFrame heartbeatReply(XFrame heartbeat, ByteBufAllocator alloc) {
        throw new UnsupportedOperationException("HTTP/1.1 has no heartbeat");
    }

    /**
     * The proxy's answer: a complete response with a short {@code text/plain} body
     * ({@code message} and a newline, at most 1024 characters), {@code Content-Length}, an
     * {@code x-xmesh-error} header naming the kind in lower case with dashes ({@code no-route},
     * {@code timeout}...), {@code Retry-After: 1} for RATE_LIMITED and OVERLOADED, and
     * {@code Connection: close} when the request's template says the connection does not stay
     * open ({@code Connection: keep-alive} for an HTTP/1.0 request that keeps it open). The status
     * line says HTTP/1.1, as RFC 9110 6.2 asks of a 1.1 server answering a 1.0 request. Status: NO_ROUTE 404; CONNECT_FAILED and UPSTREAM_RESET 502; NO_HEALTHY_HOST,
     * OVERLOADED and REJECTED 503; TIMEOUT 504; RATE_LIMITED 429; BAD_REQUEST 400; INTERNAL 500.
     *
     * @param template the request's template; any other value is treated as HTTP/1.1 keep-alive
     * @return a new {@code RESPONSE} frame with {@code endOfStream()} true; <b>ownership is
     *         transferred</b> to the caller
     */
    @Override
    public XFrame errorReply(ReplyTemplate template, long requestId, ErrorKind error, String message,
                             ByteBufAllocator alloc) {
        boolean keepAlive = !(template instanceof HttpReplyTemplate t) || t.keepAlive();
        FullHttpResponse res = HttpMessages.plainResponse(alloc, status(error),
                error.name().toLowerCase(Locale.ROOT).replace('_', '-'), message, keepAlive);
        if (keepAlive && template instanceof HttpReplyTemplate t && !t.http11()) {
            res.headers().set(HttpHeaderNames.CONNECTION, "keep-alive"); // HTTP/1.0 keep-alive must be explicit
        }
        if (error == ErrorKind.RATE_LIMITED || error == ErrorKind.OVERLOADED) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return HttpFrame.response(requestId, res, true);
    }

    /** The HTTP status the proxy answers with for {@code error}. */
    public static HttpResponseStatus status(ErrorKind error) {
        return switch (error) {
            case NO_ROUTE -> HttpResponseStatus.NOT_FOUND;
            case CONNECT_FAILED, UPSTREAM_RESET -> HttpResponseStatus.BAD_GATEWAY;
            case NO_HEALTHY_HOST, OVERLOADED, REJECTED -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case RATE_LIMITED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
