package io.xmesh.codec.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only stand-in for the proxy engine: it wires SERVER-side channels to CLIENT-side
 * upstream channels through frames only, as the engine does: routes on {@code :path}, rewrites
 * ids (downstream id to a global upstream id and back), sends one request at a time per upstream
 * connection (the codec is not multiplexing), keeps idle upstream connections per event loop,
 * forwards DATA frames to the same upstream exchange, propagates back-pressure with auto-read, and
 * answers with {@link HttpProtocol#errorReply} when it cannot forward.
 *
 * <p>Routes: {@code /no-route...} has none (404), {@code /dead...} goes to a closed port (502),
 * everything else to the upstream. Every routing view of a request ({@code forEachHeader}) is
 * recorded in {@link #seen}. Channels use unpooled heap buffers so heap measurements see them.
 */
final class TestRelay implements AutoCloseable {

    static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private final HttpProtocol protocol = new HttpProtocol();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final InetSocketAddress upstream;
    private final InetSocketAddress dead;
    private final CodecOptions serverOptions;
    private final CodecOptions clientOptions;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final AtomicLong upstreamIds = new AtomicLong();
    private Channel server;

    final AtomicInteger downstreamConnections = new AtomicInteger();
    final AtomicInteger upstreamConnects = new AtomicInteger();
    final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    final List<Throwable> codecErrors = new CopyOnWriteArrayList<>();

    TestRelay(InetSocketAddress upstream, InetSocketAddress dead, Map<String, Object> serverSettings,
              Map<String, Object> clientSettings) {
        this.upstream = upstream;
        this.dead = dead;
        this.serverOptions = new CodecOptions(CodecOptions.DEFAULT_MAX_FRAME_LENGTH, serverSettings);
        this.clientOptions = new CodecOptions(CodecOptions.DEFAULT_MAX_FRAME_LENGTH, clientSettings);
    }

    int start() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, HEAP)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        downstreamConnections.incrementAndGet();
                        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, serverOptions);
                        ch.pipeline().addLast(new Downstream());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One request forwarded upstream. */
    private static final class Exchange {
        final long downId;
        final ReplyTemplate template;
        long upId;
        Channel up;
        final List<XFrame> pending = new ArrayList<>();
        boolean responseStarted;
        boolean dropped;

        Exchange(long downId, ReplyTemplate template) {
            this.downId = downId;
            this.template = template;
        }
    }

    /** The proxy's handler on a client connection. */
    private final class Downstream extends ChannelInboundHandlerAdapter {
        private final Map<Long, Exchange> exchanges = new HashMap<>();
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            XFrame f = (XFrame) msg;
            if (f.kind() == FrameKind.REQUEST) {
                onRequest(f);
                return;
            }
            Exchange ex = exchanges.get(f.requestId());
            if (ex == null || ex.dropped) {
                f.release();
            } else if (ex.up == null) {
                ex.pending.add(f);
            } else {
                f.setRequestId(ex.upId);
                ex.up.writeAndFlush(f);
                if (!ex.up.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        private void onRequest(XFrame f) {
            Map<String, String> view = new HashMap<>();
            f.forEachHeader(view::put);
            seen.add(view);
            Exchange ex = new Exchange(f.requestId(), f.replyTemplate());
            exchanges.put(ex.downId, ex);
            String path = f.header(RoutingHeaders.PATH);
            if (path.startsWith("/no-route")) {
                f.release();
                reply(ex, ErrorKind.NO_ROUTE, "xmesh: no route for " + path);
                return;
            }
            ex.upId = upstreamIds.incrementAndGet();
            f.setRequestId(ex.upId);
            ex.pending.add(f);
            InetSocketAddress target = path.startsWith("/dead") ? dead : upstream;
            ArrayDeque<Channel> pool = idle.computeIfAbsent(ctx.channel().eventLoop(), l -> new ArrayDeque<>());
            Channel reuse;
            while ((reuse = pool.pollLast()) != null && !reuse.isActive()) {
                // drop closed ones
            }
            if (reuse != null && target == upstream) {
                bind(ex, reuse);
                return;
            }
            if (reuse != null) {
                pool.addLast(reuse);
            }
            upstreamConnects.incrementAndGet();
            ChannelFuture cf = new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.ALLOCATOR, HEAP)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            protocol.initChannel(ch.pipeline(), ProtocolSide.CLIENT, clientOptions);
                            ch.pipeline().addLast(new Upstream());
                        }
                    })
                    .connect(target);
            cf.addListener((ChannelFuture done) -> {
                if (done.isSuccess()) {
                    bind(ex, done.channel());
                } else {
                    reply(ex, ErrorKind.CONNECT_FAILED, "xmesh: cannot connect to " + target);
                }
            });
        }

        private void bind(Exchange ex, Channel up) {
            if (ex.dropped || !ctx.channel().isActive()) {
                ex.pending.forEach(ReferenceCountUtil::release);
                ex.pending.clear();
                idle.get(up.eventLoop()).addLast(up);
                return;
            }
            ex.up = up;
            up.pipeline().get(Upstream.class).current(this, ex);
            for (XFrame p : ex.pending) {
                p.setRequestId(ex.upId);
                up.write(p);
            }
            ex.pending.clear();
            up.flush();
        }

        void reply(Exchange ex, ErrorKind kind, String message) {
            ex.dropped = true;
            ex.pending.forEach(ReferenceCountUtil::release);
            ex.pending.clear();
            exchanges.remove(ex.downId);
            ctx.writeAndFlush(protocol.errorReply(ex.template, ex.downId, kind, message, ctx.alloc()));
        }

        void response(Exchange ex, XFrame f) {
            ex.responseStarted = true;
            f.setRequestId(ex.downId);
            ctx.writeAndFlush(f);
            if (f.endOfStream()) {
                exchanges.remove(ex.downId);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            boolean writable = ctx.channel().isWritable();
            for (Exchange ex : exchanges.values()) {
                if (ex.up != null) {
                    ex.up.config().setAutoRead(writable);
                }
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (Exchange ex : exchanges.values()) {
                ex.pending.forEach(ReferenceCountUtil::release);
                ex.pending.clear();
                if (ex.up != null) {
                    ex.up.close();
                }
            }
            exchanges.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            codecErrors.add(cause); // the codec answers and closes by itself
        }
    }

    /** The proxy's handler on an upstream connection: one exchange at a time. */
    private final class Upstream extends ChannelInboundHandlerAdapter {
        private Downstream down;
        private Exchange current;

        void current(Downstream down, Exchange ex) {
            this.down = down;
            this.current = ex;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            XFrame f = (XFrame) msg;
            Exchange ex = current;
            if (ex == null || ex.dropped) {
                f.release();
                return;
            }
            if (f.endOfStream()) {
                current = null;
                if (ctx.channel().isActive()) {
                    ctx.channel().config().setAutoRead(true);
                    idle.get(ctx.channel().eventLoop()).addLast(ctx.channel());
                }
            }
            down.response(ex, f);
            if (!down.ctx.channel().isWritable() && !f.endOfStream()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (current != null && down != null) {
                down.ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Exchange ex = current;
            current = null;
            if (ex != null && !ex.dropped) {
                if (ex.responseStarted) {
                    down.ctx.close();
                } else {
                    down.reply(ex, ErrorKind.UPSTREAM_RESET, "xmesh: upstream closed the connection");
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            codecErrors.add(cause);
            ctx.close();
        }
    }
}
