package io.xmesh.codec.dubbo.interop;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.codec.dubbo.DubboFrame;
import io.xmesh.codec.dubbo.DubboProtocol;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.XFrame;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A minimal Dubbo relay built only on {@link DubboProtocol}, over real sockets on 127.0.0.1: a
 * Netty server whose pipeline is {@code initChannel(SERVER)}, and for each accepted connection
 * one upstream connection to the provider whose pipeline is {@code initChannel(CLIENT)}.
 * Requests are forwarded as received with the request id rewritten (upstream ids are the relay's
 * own, from 1), responses get the consumer's id back; heartbeats are answered by the relay
 * itself; a {@code rule} may answer a request with {@link DubboProtocol#errorReply} instead.
 * What it saw is recorded for the tests. Test code, not the proxy.
 */
public final class CodecRelay implements AutoCloseable {
    /** What the relay did with one request. */
    public record Seen(long downstreamId, long upstreamId, Map<String, String> headers, int serialization) {
    }

    /** An error the rule wants sent instead of forwarding. */
    public record Refusal(ErrorKind kind, String message) {
    }

    private final DubboProtocol protocol = new DubboProtocol();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final int upstreamPort;
    private final Function<DubboFrame, Refusal> rule;
    private final Channel server;
    public final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    public final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    public final AtomicInteger heartbeatsAnswered = new AtomicInteger();
    public final AtomicInteger errorRepliesSent = new AtomicInteger();
    private final Queue<Channel> downstreams = new ConcurrentLinkedQueue<>();

    /** How many consumer connections are open. */
    public long activeDownstreams() {
        return downstreams.stream().filter(Channel::isActive).count();
    }

    /** Sends {@link DubboProtocol#goAway} on every open downstream connection. */
    public void goAwayAll() {
        for (Channel ch : downstreams) {
            if (ch.isActive()) {
                ch.eventLoop().execute(() -> ch.writeAndFlush(protocol.goAway(ch.alloc())));
            }
        }
    }

    public CodecRelay(int upstreamPort, Function<DubboFrame, Refusal> rule) throws InterruptedException {
        this.upstreamPort = upstreamPort;
        this.rule = rule;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
                        ch.pipeline().addLast(new Downstream());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Handles one consumer connection; all state lives on the one event loop. */
    private final class Downstream extends ChannelInboundHandlerAdapter {
        private Channel upstream;
        private final Map<Long, Long> pending = new HashMap<>();
        private long nextId = 1;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel down = ctx.channel();
            downstreams.add(down);
            ChannelFuture f = new Bootstrap().group(down.eventLoop()).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            protocol.initChannel(ch.pipeline(), ProtocolSide.CLIENT, CodecOptions.DEFAULTS);
                            ch.pipeline().addLast(new Upstream(down, pending));
                        }
                    }).connect(new InetSocketAddress("127.0.0.1", upstreamPort));
            upstream = f.channel();
            f.addListener(done -> {
                if (done.isSuccess()) {
                    down.config().setAutoRead(true);
                    down.read();
                } else {
                    errors.add(done.cause());
                    down.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DubboFrame f)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (f.kind() == FrameKind.HEARTBEAT) {
                try {
                    ctx.writeAndFlush(protocol.heartbeatReply(f, ctx.alloc()));
                    heartbeatsAnswered.incrementAndGet();
                } finally {
                    f.release();
                }
                return;
            }
            if (f.kind() != FrameKind.REQUEST && f.kind() != FrameKind.ONEWAY) {
                f.release();
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            Refusal refusal;
            try {
                for (String name : List.of("service", "method", "version", "group", "dubbo")) {
                    headers.put(name, f.header(name));
                }
                refusal = rule.apply(f);
            } catch (CodecException e) {
                errors.add(e);
                refusal = new Refusal(ErrorKind.BAD_REQUEST, e.getMessage());
            }
            long downId = f.requestId();
            if (refusal != null) {
                XFrame reply = protocol.errorReply(f.replyTemplate(), downId, refusal.kind(), refusal.message(),
                        ctx.alloc());
                f.release();
                errorRepliesSent.incrementAndGet();
                ctx.writeAndFlush(reply);
                return;
            }
            long upId = nextId++;
            seen.add(new Seen(downId, upId, headers, f.serializationId()));
            if (f.kind() == FrameKind.REQUEST) {
                pending.put(upId, downId);
            }
            f.setRequestId(upId);
            upstream.writeAndFlush(f);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            if (!(cause instanceof CodecException ce) || ce.isFatal()) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /** Handles the provider side of one relayed connection. */
    private final class Upstream extends ChannelInboundHandlerAdapter {
        private final Channel downstream;
        private final Map<Long, Long> pending;

        Upstream(Channel downstream, Map<Long, Long> pending) {
            this.downstream = downstream;
            this.pending = pending;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DubboFrame f) || f.kind() != FrameKind.RESPONSE) {
                ReferenceCountUtil.release(msg); // heartbeat replies, provider events
                return;
            }
            Long downId = pending.remove(f.requestId());
            if (downId == null) {
                f.release();
                return;
            }
            f.setRequestId(downId);
            downstream.writeAndFlush(f);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            downstream.close();
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
