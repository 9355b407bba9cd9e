package io.xmesh.bootstrap.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain TCP fallback of a listener ({@code tcp} listed last in its protocols): bytes that
 * match no protocol are relayed unchanged to a host of the listener's {@code tcpCluster}, on a
 * new upstream connection on the same event loop, with backpressure in both directions.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpRelay.class);

    private final Channel peer;

    private TcpRelay(Channel peer) {
        this.peer = peer;
    }

    /**
     * Starts relaying {@code down}. {@code first}: bytes already read, <b>ownership transferred</b>.
     */
    static void start(Channel down, ByteBuf first, ListenerRuntime listener, LoopState loop) {
        Cluster cluster = loop.engine.clusters().get(listener.config.tcpCluster());
        Host host = cluster == null ? null : cluster.choose(null, null, System.nanoTime());
        if (host == null) {
            log.info("listener {}: tcp fallback for {}: no available host in cluster '{}'; closing",
                    listener.name, down.remoteAddress(), listener.config.tcpCluster());
            first.release();
            down.close();
            return;
        }
        down.config().setAutoRead(false);
        Bootstrap b = new Bootstrap().group(loop.loop).channel(loop.engine.transport().channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) cluster.config().connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new TcpRelay(down));
        ChannelFuture f = b.connect(host.hostName(), host.port());
        Channel up = f.channel();
        f.addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                host.recordConnectFailure("tcp fallback: " + cf.cause());
                first.release();
                down.close();
                return;
            }
            host.requestStarted();
            up.closeFuture().addListener(x -> host.requestEnded());
            down.pipeline().addLast("xmesh-tcp-relay", new TcpRelay(up));
            up.writeAndFlush(first);
            down.config().setAutoRead(true);
            up.config().setAutoRead(true);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("tcp relay: {}", cause.toString());
        ctx.close();
    }
}
