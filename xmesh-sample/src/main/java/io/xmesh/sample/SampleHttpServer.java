package io.xmesh.sample;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A small HTTP/1.1 server with keep-alive and pipelining, for the README demo and the HTTP benchmarks:
 * <ul>
 *   <li>{@code GET /hello} (or {@code GET /}) answers {@value #HELLO_TEXT} as {@code text/plain};</li>
 *   <li>{@code POST} or {@code PUT} to any path echoes the request body with the request's content type;</li>
 *   <li>anything else answers 404 (unknown path) or 405 (other methods).</li>
 * </ul>
 * Request bodies are limited to 1 MiB (413 otherwise). Everything runs on the connection's event loop.
 */
public final class SampleHttpServer implements AutoCloseable {
    /** The body of {@code GET /hello}. */
    public static final String HELLO_TEXT = "hello from xmesh sample backend\n";
    static final int MAX_BODY = 1024 * 1024;

    private final Channel serverChannel;

    private SampleHttpServer(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /**
     * Binds on {@code address} (port 0 picks a free port) using the borrowed {@code group}; blocks until bound.
     */
    public static SampleHttpServer start(EventLoopGroup group, InetSocketAddress address) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_BODY));
                        ch.pipeline().addLast("app", new HttpHandler());
                    }
                });
        return new SampleHttpServer(b.bind(address).sync().channel());
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Closes the listening socket. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }

    /** Per connection, on its event loop. The aggregated request is released by the superclass after the call. */
    static final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] HELLO = HELLO_TEXT.getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                respond(ctx, req, HttpResponseStatus.BAD_REQUEST, text(ctx, "bad request\n"), "text/plain", false);
                return;
            }
            HttpMethod m = req.method();
            String path = req.uri();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (HttpMethod.GET.equals(m) && ("/hello".equals(path) || "/".equals(path))) {
                ByteBuf body = ctx.alloc().buffer(HELLO.length).writeBytes(HELLO);
                respond(ctx, req, HttpResponseStatus.OK, body, "text/plain; charset=utf-8", keepAlive);
            } else if (HttpMethod.POST.equals(m) || HttpMethod.PUT.equals(m)) {
                String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                respond(ctx, req, HttpResponseStatus.OK, req.content().retainedDuplicate(), type, keepAlive);
            } else if (HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m)) {
                respond(ctx, req, HttpResponseStatus.NOT_FOUND, text(ctx, "not found: " + path + "\n"),
                        "text/plain; charset=utf-8", keepAlive);
            } else {
                respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, text(ctx, "method not allowed\n"),
                        "text/plain; charset=utf-8", keepAlive);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static ByteBuf text(ChannelHandlerContext ctx, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return ctx.alloc().buffer(b.length).writeBytes(b);
        }

        /** {@code body} ownership passes to this method (and on to the channel). */
        private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                                    ByteBuf body, String contentType, boolean keepAlive) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            HttpUtil.setContentLength(res, body.readableBytes());
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            } else {
                if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.write(res, ctx.voidPromise());
            }
        }
    }
}
