package io.xmesh.bootstrap.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.xmesh.bootstrap.engine.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP API (HTTP/1.1 on Netty, on 127.0.0.1 by default), with its own single event
 * loop so that admin work never delays proxied traffic. Paths are served by
 * {@link AdminHandler}s registered with {@link #register}; bodies are limited to 1 MiB.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_BODY = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
                @Override
                public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
                    g.writeString(d.toMillis() + "ms");
                }
            }))
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, AdminHandler> handlers = new ConcurrentHashMap<>();
    private EventLoopGroup group;
    private Channel channel;

    /** Serialises a value to JSON (records, maps, lists; durations as "123ms"). */
    public static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }

    /** The shared JSON mapper (for handlers parsing request bodies). */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * Serves {@code path} (exact match, e.g. {@code /pub}) with {@code handler}; replaces an
     * earlier handler of the same path. May be called before or after {@link #start}.
     */
    public void register(String path, AdminHandler handler) {
        handlers.put(path, handler);
    }

    /** The registered paths, sorted. */
    public java.util.Set<String> paths() {
        return new java.util.TreeSet<>(handlers.keySet());
    }

    /**
     * Binds the server.
     *
     * @return the bound address
     * @throws IllegalStateException when the address cannot be bound
     */
    public InetSocketAddress start(String address, int port, Transport transport) {
        group = transport.newGroup(1, "admin");
        try {
            channel = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), new Handler());
                        }
                    }).bind(address, port).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("admin API cannot bind " + address + ":" + port + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        log.info("admin API listening on http://{}:{}/ ({})", bound.getHostString(), bound.getPort(), String.join(" ", paths()));
        return bound;
    }

    /** The bound address, or null. */
    public InetSocketAddress address() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            AdminResponse res;
            AdminHandler h = handlers.get(q.path());
            if (!req.decoderResult().isSuccess()) {
                res = AdminResponse.text(400, "bad request\n");
            } else if (h == null) {
                res = AdminResponse.json(404, Map.of("error", "no such path: " + q.path(), "paths", paths()));
            } else {
                AdminRequest ar = new AdminRequest(req.method().name(), q.path(), new TreeMap<>(q.parameters()),
                        ByteBufUtil.getBytes(req.content()));
                try {
                    res = h.handle(ar);
                } catch (IllegalArgumentException e) {
                    res = AdminResponse.json(400, Map.of("error", String.valueOf(e.getMessage())));
                } catch (Exception e) {
                    log.warn("admin {} failed", q.path(), e);
                    res = AdminResponse.json(500, Map.of("error", e.toString()));
                }
            }
            FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(res.status()),
                    Unpooled.wrappedBuffer(res.body()));
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, res.contentType());
            HttpUtil.setContentLength(out, res.body().length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(out, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(out);
            } else {
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("admin connection: {}", cause.toString());
            ctx.close();
        }
    }
}
