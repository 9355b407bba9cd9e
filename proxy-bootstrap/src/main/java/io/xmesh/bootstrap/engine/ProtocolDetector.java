package io.xmesh.bootstrap.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.XProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * First handler of a connection on a listener that accepts several protocols: buffers the first
 * bytes and asks each listed protocol's {@link XProtocol#match} in the listed order. The first
 * {@code MATCH} wins (a protocol answering {@code NEED_MORE} before it makes detection wait for
 * more bytes, so the order is always honoured). When every protocol says {@code NO_MATCH}, the
 * connection goes to the plain TCP fallback if configured, or is closed with a log line.
 * Detection is bounded: at most {@link #MAX_DETECT_BYTES} bytes and the listener's
 * {@code detectTimeout}.
 */
final class ProtocolDetector extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProtocolDetector.class);
    static final int MAX_DETECT_BYTES = 4096;

    private final ListenerRuntime listener;
    private final LoopState loop;
    private ByteBuf buffered;
    private ScheduledFuture<?> timeout;

    ProtocolDetector(ListenerRuntime listener, LoopState loop) {
        this.listener = listener;
        this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            log.info("listener {}: no protocol recognised from {} within {} ms ({} bytes received); closing",
                    listener.name, ctx.channel().remoteAddress(), listener.config.detectTimeout().toMillis(),
                    buffered == null ? 0 : buffered.readableBytes());
            ctx.close();
        }, listener.config.detectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (buffered == null) {
            buffered = ctx.alloc().buffer(Math.max(256, in.readableBytes()));
        }
        try {
            buffered.writeBytes(in);
        } finally {
            in.release();
        }
        decide(ctx);
    }

    private void decide(ChannelHandlerContext ctx) {
        int i = 0;
        for (XProtocol p : listener.protocols) {
            ProtocolMatch m = p.match(buffered);
            if (m == ProtocolMatch.MATCH) {
                install(ctx, p, listener.protocolNames.get(i));
                return;
            }
            if (m == ProtocolMatch.NEED_MORE) {
                if (buffered.readableBytes() >= MAX_DETECT_BYTES) {
                    reject(ctx, "protocol '" + listener.protocolNames.get(i) + "' still undecided after " + MAX_DETECT_BYTES + " bytes");
                }
                return; // wait for more bytes
            }
            i++;
        }
        if (listener.tcpFallback) {
            ByteBuf first = buffered;
            buffered = null;
            cancelTimeout();
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(this);
            TcpRelay.start(ctx.channel(), first, listener, loop);
            return;
        }
        reject(ctx, "first bytes match none of " + listener.protocolNames);
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        int n = buffered.readableBytes();
        String hex = io.netty.buffer.ByteBufUtil.hexDump(buffered, buffered.readerIndex(), Math.min(16, n));
        log.info("listener {}: closing connection from {}: {} (first bytes: {})", listener.name, ctx.channel().remoteAddress(), why, hex);
        ctx.close();
    }

    private void install(ChannelHandlerContext ctx, XProtocol p, String name) {
        cancelTimeout();
        ChannelPipeline pipeline = ctx.pipeline();
        p.initChannel(pipeline, ProtocolSide.SERVER, listener.codecOptions);
        pipeline.addLast("xmesh-downstream", new DownstreamConnection(listener, loop, p, name));
        ByteBuf first = buffered;
        buffered = null;
        pipeline.remove(this);
        pipeline.fireChannelRead(first);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("listener {}: error during protocol detection: {}", listener.name, cause.toString());
        ctx.close();
    }
}
