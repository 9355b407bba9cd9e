package io.xmesh.codec.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XFrame;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The proxy's end of an upstream HTTP/1.1 connection ({@code ProtocolSide.CLIENT}), after
 * Netty's {@code HttpClientCodec}.
 *
 * <h2>Outbound: request frames</h2>
 * A {@code REQUEST} head frame is encoded as sent by the server side (already sanitized), with
 * {@code Host} replaced when {@code host-rewrite} is set (and set to the upstream's address when an
 * HTTP/1.0 client sent none: requests go upstream as HTTP/1.1); its id is remembered in FIFO order (at
 * most {@code max-pipelined-requests}). {@code DATA} frames must carry the id of the request whose
 * body is being written. HTTP/1.1 has no ids on the wire: responses are matched to requests by
 * order.
 *
 * <h2>Inbound: responses to frames</h2>
 * Each response head becomes a {@code RESPONSE} frame with the id at the front of the FIFO (its
 * hop-by-hop fields removed, {@code Via} added), its body {@code DATA} frames; interim 1xx
 * responses are dropped (the server side answers {@code 100-continue} itself). The id leaves the
 * FIFO before the last frame of a response is fired, so the proxy may write the next request from
 * within that call. When the upstream said {@code Connection: close} (or HTTP/1.0 without
 * keep-alive) the channel is closed before the last frame is fired, so a pool sees it inactive
 * and does not reuse it. A malformed or unsolicited response fires a fatal {@link
 * HttpCodecException} carrying the id at the front of the FIFO and closes the channel.
 *
 * <h2>Ownership and threading</h2>
 * Every method runs on the channel's event loop. Written frames are owned from the call on: their
 * Netty object goes retained to the encoder and the frame is released. Inbound HTTP objects go to
 * the next handler inside frames (ownership transferred) or are released.
 */
final class HttpClientHandler extends ChannelDuplexHandler {

    private static final long NONE = Long.MIN_VALUE;

    private final HttpSettings settings;
    /** Ids of written requests awaiting their response, oldest first, with HEAD flags. */
    private final ArrayDeque<long[]> awaiting = new ArrayDeque<>(2);
    /** Id of the request whose body is being written, or NONE. */
    private long writingId = NONE;
    /** Id of the response being read, or NONE. */
    private long readingId = NONE;
    private boolean readingKeepAlive;
    /** Drop the next LastHttpContent (after a body-less head or an interim response). */
    private boolean swallowLast;
    private boolean failed;

    HttpClientHandler(HttpSettings settings) {
        this.settings = settings;
    }

    /**
     * Takes ownership of {@code msg}. Request and body frames are encoded; other
     * {@link XFrame}s are released and the promise failed; anything else is passed on.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof XFrame)) {
            ctx.write(msg, promise);
            return;
        }
        if (!(msg instanceof HttpFrame f)) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalArgumentException("not an http frame: " + msg));
            return;
        }
        String problem = null;
        if (f.kind() == FrameKind.REQUEST) {
            if (writingId != NONE) {
                problem = "request " + f.requestId() + " written before the body of " + writingId + " ended";
            } else if (awaiting.size() >= settings.maxPipelinedRequests()) {
                problem = "more than " + settings.maxPipelinedRequests() + " requests awaiting responses";
            }
        } else if (f.kind() == FrameKind.DATA) {
            if (writingId != f.requestId()) {
                problem = "body part for request " + f.requestId() + " which is not being written";
            }
        } else {
            problem = "a " + f.kind() + " frame cannot be written to an upstream connection";
        }
        if (problem != null) {
            f.release();
            promise.tryFailure(new IllegalStateException(problem));
            return;
        }
        HttpObject obj = f.httpObject();
        ReferenceCountUtil.retain(obj);
        boolean eos = f.endOfStream();
        long id = f.requestId();
        f.release();
        if (obj instanceof HttpRequest req) {
            if (settings.hostRewrite() != null) {
                req.headers().set(HttpHeaderNames.HOST, settings.hostRewrite());
            } else if (!req.headers().contains(HttpHeaderNames.HOST)
                    && ctx.channel().remoteAddress() instanceof InetSocketAddress upstream) {
                // an HTTP/1.0 client may omit Host, but the request goes upstream as HTTP/1.1, which needs one
                String host = upstream.getHostString();
                req.headers().set(HttpHeaderNames.HOST,
                        (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + upstream.getPort());
            }
            req.setProtocolVersion(HttpVersion.HTTP_1_1);
            awaiting.addLast(new long[] {id, HttpMethod.HEAD.equals(req.method()) ? 1 : 0});
            if (eos && !(obj instanceof FullHttpMessage)) {
                ctx.write(obj, ctx.voidPromise());
                obj = LastHttpContent.EMPTY_LAST_CONTENT;
            }
        }
        writingId = eos ? NONE : id;
        ctx.write(obj, promise);
    }

    /** Takes ownership of {@code msg}; see the class javadoc. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (((HttpObject) msg).decoderResult().isFailure()) {
            Throwable cause = ((HttpObject) msg).decoderResult().cause();
            ReferenceCountUtil.release(msg);
            fail(ctx, "malformed response from upstream: " + cause.getMessage());
            return;
        }
        if (msg instanceof HttpResponse res) {
            onHead(ctx, res);
        } else {
            onContent(ctx, (HttpContent) msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpResponse res) {
        int code = res.status().code();
        if (res instanceof FullHttpMessage || readingId != NONE || swallowLast) {
            ReferenceCountUtil.release(res);
            fail(ctx, "unexpected response head from upstream");
            return;
        }
        if (code / 100 == 1) {
            if (code == 101) {
                fail(ctx, "upstream switched protocols, which is not supported");
                return;
            }
            swallowLast = true; // interim response: dropped with its empty last content
            return;
        }
        long[] front = awaiting.peekFirst();
        if (front == null) {
            fail(ctx, "response from upstream without a request");
            return;
        }
        long id = front[0];
        boolean head = front[1] == 1;
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        long length = HttpUtil.getContentLength(res, -1L);
        boolean bodyFollows = !(head || code == 204 || code == 304) && (chunked || length != 0);
        readingKeepAlive = HttpUtil.isKeepAlive(res);
        HttpVersion received = res.protocolVersion();
        HttpMessages.stripHopByHop(res);
        HttpMessages.addVia(res, received, settings.via());
        if (bodyFollows) {
            readingId = id;
        } else {
            swallowLast = true;
            responseComplete(ctx);
        }
        ctx.fireChannelRead(HttpFrame.response(id, res, !bodyFollows));
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent c) {
        if (swallowLast) {
            if (c instanceof LastHttpContent) {
                swallowLast = false;
            }
            c.release();
            return;
        }
        if (readingId == NONE) {
            c.release();
            fail(ctx, "response body from upstream without a response head");
            return;
        }
        long id = readingId;
        if (c instanceof LastHttpContent) {
            readingId = NONE;
            responseComplete(ctx);
        }
        ctx.fireChannelRead(HttpFrame.data(id, c));
    }

    /** The response at the front is complete: its id leaves the FIFO; close if the upstream asked. */
    private void responseComplete(ChannelHandlerContext ctx) {
        awaiting.pollFirst();
        if (!readingKeepAlive) {
            ctx.close();
        }
    }

    private void fail(ChannelHandlerContext ctx, String message) {
        failed = true;
        long[] front = awaiting.peekFirst();
        long id = readingId != NONE ? readingId : front != null ? front[0] : CodecException.NO_REQUEST_ID;
        ctx.close();
        ctx.fireExceptionCaught(new HttpCodecException("xmesh: " + message, id, 0, true));
    }
}
