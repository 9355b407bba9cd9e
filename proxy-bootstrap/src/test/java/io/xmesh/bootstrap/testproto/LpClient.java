package io.xmesh.bootstrap.testproto;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolSide;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A real multiplexing "lp" client for tests: many calls in flight on one connection. */
public final class LpClient implements AutoCloseable {
    /** An answer: status, payload and the answering server's name (null for xmesh's own replies). */
    public record Reply(int status, String payload, String server) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(ThreadLocalRandom.current().nextLong());

    public LpClient(InetSocketAddress target) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        new LpProtocol().initChannel(ch.pipeline(), ProtocolSide.CLIENT, CodecOptions.DEFAULTS);
                        ch.pipeline().addLast(new Handler());
                    }
                }).connect(target).sync().channel();
    }

    public CompletableFuture<Reply> call(Map<String, String> headers, String payload) {
        return send(FrameKind.REQUEST, headers, payload);
    }

    public CompletableFuture<Reply> heartbeat() {
        return send(FrameKind.HEARTBEAT, Map.of(), "");
    }

    public void oneway(Map<String, String> headers, String payload) {
        ByteBuf b = channel.alloc().buffer();
        LpFrame.encode(b, FrameKind.ONEWAY, 0, ids.incrementAndGet(), headers, payload);
        channel.writeAndFlush(b);
    }

    /** Sends raw bytes (for garbage tests). <b>Ownership transferred.</b> */
    public void raw(ByteBuf bytes) {
        channel.writeAndFlush(bytes);
    }

    public Channel channel() {
        return channel;
    }

    private CompletableFuture<Reply> send(FrameKind kind, Map<String, String> headers, String payload) {
        long id = ids.incrementAndGet();
        CompletableFuture<Reply> f = new CompletableFuture<>();
        pending.put(id, f);
        ByteBuf b = channel.alloc().buffer();
        LpFrame.encode(b, kind, 0, id, headers, payload);
        channel.writeAndFlush(b).addListener(w -> {
            if (!w.isSuccess()) {
                pending.remove(id);
                f.completeExceptionally(w.cause());
            }
        });
        if (!channel.isActive()) {
            pending.remove(id);
            f.completeExceptionally(new IOException("connection closed"));
        }
        return f;
    }

    public int pendingCount() {
        return pending.size();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            LpFrame f = (LpFrame) msg;
            try {
                CompletableFuture<Reply> fut = pending.remove(f.requestId());
                if (fut != null) {
                    fut.complete(new Reply(f.status(), f.payload(), f.header("server")));
                }
            } finally {
                f.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException closed = new IOException("connection closed by xmesh");
            pending.values().forEach(p -> p.completeExceptionally(closed));
            pending.clear();
        }
    }
}
