package io.xmesh.examples.xrpc.demo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.xmesh.examples.xrpc.XrpcStatus;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sample xrpc client (a company's existing caller, knowing nothing of xmesh): one connection,
 * many requests in flight, responses matched by request id.
 *
 * <pre>java -cp &lt;classpath&gt; io.xmesh.examples.xrpc.demo.XrpcClient host port [[service/]method] [payload] [count]</pre>
 * calls {@code <service>/<method>} (default service {@code demo.Echo}, default method {@code echo})
 * {@code count} times (default 1) and prints each response as {@code <status> <payload>}; exits 1
 * if any call did not return status OK.
 */
public final class XrpcClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<Long, CompletableFuture<XrpcMessage>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private XrpcClient(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Connects to {@code host:port}; returns once connected. */
    public static XrpcClient connect(String host, int port) throws IOException, InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        XrpcClient[] self = new XrpcClient[1];
        try {
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new XrpcMessageCodec(16 * 1024 * 1024), new SimpleChannelInboundHandler<XrpcMessage>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, XrpcMessage m) {
                                    CompletableFuture<XrpcMessage> f = self[0].pending.remove(m.requestId());
                                    if (f != null) {
                                        f.complete(m);
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    self[0].failAll(new ClosedChannelException());
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    self[0].failAll(cause);
                                    ctx.close();
                                }
                            });
                        }
                    });
            io.netty.channel.ChannelFuture connect = b.connect(host, port).await();
            if (!connect.isSuccess()) {
                throw new IOException("cannot connect to " + host + ":" + port, connect.cause());
            }
            self[0] = new XrpcClient(group, connect.channel());
            return self[0];
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Sends a request; the future completes with the response (any status) or fails if the connection fails. */
    public CompletableFuture<XrpcMessage> call(String service, String method, byte[] payload) {
        return send(XrpcMessage.request(ids.incrementAndGet(), service, method, payload));
    }

    /** Sends a heartbeat; the future completes with the heartbeat reply. */
    public CompletableFuture<XrpcMessage> heartbeat() {
        return send(XrpcMessage.heartbeat(ids.incrementAndGet()));
    }

    /** Calls and waits. */
    public XrpcMessage call(String service, String method, String payload, Duration timeout) throws Exception {
        return call(service, method, payload.getBytes(StandardCharsets.UTF_8)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<XrpcMessage> send(XrpcMessage m) {
        CompletableFuture<XrpcMessage> f = new CompletableFuture<>();
        pending.put(m.requestId(), f);
        channel.writeAndFlush(m).addListener(w -> {
            if (!w.isSuccess()) {
                pending.remove(m.requestId());
                f.completeExceptionally(w.cause());
            }
        });
        return f;
    }

    private void failAll(Throwable cause) {
        pending.values().removeIf(f -> f.completeExceptionally(cause) || true);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws Exception {
        // A demo app: keep Netty's own logging quiet whatever SLF4J binding is on the class path.
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        if (args.length < 2) {
            System.err.println("usage: XrpcClient host port [[service/]method] [payload] [count]");
            System.exit(2);
        }
        String target = args.length > 2 ? args[2] : "echo";
        int slash = target.lastIndexOf('/');
        String service = slash < 0 ? XrpcServer.SERVICE : target.substring(0, slash);
        String method = target.substring(slash + 1);
        String payload = args.length > 3 ? args[3] : "hello xmesh";
        int count = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        boolean allOk = true;
        try (XrpcClient client = connect(args[0], Integer.parseInt(args[1]))) {
            for (int i = 0; i < count; i++) {
                XrpcMessage r = client.call(service, method, payload, Duration.ofSeconds(15));
                System.out.println(XrpcStatus.name(r.status()) + " " + r.payloadText());
                allOk &= r.status() == XrpcStatus.OK;
            }
        }
        System.exit(allOk ? 0 : 1);
    }
}
