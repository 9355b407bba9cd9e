package io.xmesh.bootstrap.testproto;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolSide;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real "lp" server on 127.0.0.1 for tests. Answers a request with payload
 * {@code <name>:<request payload>}; header {@code delay} (ms) delays the answer, {@code fail}
 * answers status 50, {@code drop} never answers.
 */
public final class LpServer implements AutoCloseable {
    public final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger oneways = new AtomicInteger();
    public final AtomicInteger connections = new AtomicInteger();
    /** Largest amount of answer bytes this server had queued on one connection (not yet taken by the peer). */
    public final java.util.concurrent.atomic.AtomicLong maxPendingOutbound = new java.util.concurrent.atomic.AtomicLong();

    public LpServer(String name) throws InterruptedException {
        this(name, 0);
    }

    public LpServer(String name, int port) throws InterruptedException {
        this.name = name;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        connections.incrementAndGet();
                        new LpProtocol().initChannel(ch.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
                        ch.pipeline().addLast(new Handler());
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }

    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Closes the listening socket and every connection at once (like a killed process). */
    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            LpFrame f = (LpFrame) msg;
            try {
                FrameKind kind = f.kind();
                if (kind == FrameKind.HEARTBEAT) {
                    ctx.writeAndFlush(new LpProtocol().heartbeatReply(f, ctx.alloc()));
                    return;
                }
                if (kind == FrameKind.ONEWAY) {
                    oneways.incrementAndGet();
                    return;
                }
                if (kind != FrameKind.REQUEST) {
                    return;
                }
                requests.incrementAndGet();
                if (f.header("drop") != null) {
                    return;
                }
                int status = f.header("fail") != null ? 50 : 20;
                long id = f.requestId();
                String size = f.header("size");
                String payload = size != null ? "x".repeat(Integer.parseInt(size)) : name + ":" + f.payload();
                String delay = f.header("delay");
                Runnable answer = () -> {
                    ByteBuf b = ctx.alloc().buffer();
                    LpFrame.encode(b, FrameKind.RESPONSE, status, id, Map.of("server", name), payload);
                    ctx.writeAndFlush(b);
                    io.netty.channel.ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
                    if (ob != null) {
                        maxPendingOutbound.accumulateAndGet(ob.totalPendingWriteBytes(), Math::max);
                    }
                };
                if (delay != null) {
                    ctx.executor().schedule(answer, Long.parseLong(delay), TimeUnit.MILLISECONDS);
                } else {
                    answer.run();
                }
            } finally {
                f.release();
            }
        }
    }
}
