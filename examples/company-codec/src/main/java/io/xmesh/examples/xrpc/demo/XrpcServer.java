package io.xmesh.examples.xrpc.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.xmesh.examples.xrpc.XrpcStatus;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A sample xrpc server (a company's existing service, knowing nothing of xmesh). Service
 * {@value #SERVICE} has methods {@code echo} (returns the payload), {@code upper} (returns it in
 * upper case) and {@code whoami} (returns the server's name). Any other service or method gets
 * {@link XrpcStatus#NOT_FOUND}; heartbeats get heartbeat replies.
 *
 * <pre>java -cp &lt;classpath&gt; io.xmesh.examples.xrpc.demo.XrpcServer [port] [name]</pre>
 * Port 0 picks a free port; the server prints {@code xrpc server <name> listening on <port>}.
 */
public final class XrpcServer implements AutoCloseable {

    public static final String SERVICE = "demo.Echo";

    private final EventLoopGroup group;
    private final Channel channel;
    private final String name;

    private XrpcServer(EventLoopGroup group, Channel channel, String name) {
        this.group = group;
        this.channel = channel;
        this.name = name;
    }

    /** Starts a server on 127.0.0.1:{@code port} (0: any free port); returns once it listens. */
    public static XrpcServer start(int port, String name) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new XrpcMessageCodec(16 * 1024 * 1024), new Handler(name));
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            return new XrpcServer(group, ch, name);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<XrpcMessage> {
        private final String name;

        Handler(String name) {
            this.name = name;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, XrpcMessage m) {
            if (m.isResponse()) {
                return; // a server ignores responses
            }
            if (m.isHeartbeat()) {
                ctx.writeAndFlush(new XrpcMessage(m.flags() | io.xmesh.examples.xrpc.XrpcWire.FLAG_RESPONSE,
                        m.requestId(), 0, "", "", new byte[0]));
                return;
            }
            XrpcMessage reply;
            if (!SERVICE.equals(m.service())) {
                reply = XrpcMessage.response(m, XrpcStatus.NOT_FOUND, bytes("no service " + m.service()));
            } else {
                reply = switch (m.method()) {
                    case "echo" -> XrpcMessage.response(m, XrpcStatus.OK, m.payload());
                    case "upper" -> XrpcMessage.response(m, XrpcStatus.OK, bytes(m.payloadText().toUpperCase(Locale.ROOT)));
                    case "whoami" -> XrpcMessage.response(m, XrpcStatus.OK, bytes(name));
                    default -> XrpcMessage.response(m, XrpcStatus.NOT_FOUND, bytes("no method " + m.method()));
                };
            }
            if (!m.isOneway()) {
                ctx.writeAndFlush(reply);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("xrpc server " + name + ": " + cause);
            ctx.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        // A demo app: keep Netty's own logging quiet whatever SLF4J binding is on the class path.
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        String name = args.length > 1 ? args[1] : "server-1";
        XrpcServer server = start(port, name);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "xrpc-server-shutdown"));
        System.out.println("xrpc server " + name + " listening on " + server.port());
        System.out.flush();
        server.channel.closeFuture().sync();
    }
}
