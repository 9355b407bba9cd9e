package io.xmesh.sample;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A minimal, wire-correct Dubbo 2 provider (hessian2) on plain Netty, without the Dubbo SDK. It exports one service,
 * {@value GreetingService#NAME}, with one method, {@code greet(String)}, answering {@code "Hello, " + name}.
 *
 * <ul>
 *   <li>Answers every two-way request with the request's id; pipelined requests are answered in order and flushed
 *       once per read batch. One-way requests are processed and not answered.</li>
 *   <li>Answers heartbeats (event requests) with an event response, status 20, body hessian null.</li>
 *   <li>OK responses use response flag 4 (value + attachments {@code {dubbo: "2.0.2"}}) when the request declares
 *       dubbo version 2.0.2 or newer, flag 1 otherwise — as Apache Dubbo does.</li>
 *   <li>Unknown service: status 60 SERVICE_NOT_FOUND; unknown method or parameter types: status 70 SERVICE_ERROR;
 *       a serialization other than hessian2 or an undecodable body: status 40 BAD_REQUEST — each with a message.</li>
 *   <li>Bad magic or a body over 8 MiB closes the connection. Version and group are not checked.</li>
 * </ul>
 *
 * <p>Arguments are read with a small hessian2 string reader, not a general deserializer, so the server stays cheap
 * enough to be the benchmark backend. All work happens on the connection's event loop and never blocks.
 */
public final class SampleDubboServer implements AutoCloseable {
    private final Channel serverChannel;

    private SampleDubboServer(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /**
     * Binds a server on {@code address} (port 0 picks a free port) using {@code group} for both accepting and I/O.
     * The group is borrowed: {@link #close()} closes the listening socket only. Blocks until bound.
     */
    public static SampleDubboServer start(EventLoopGroup group, InetSocketAddress address) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("dubbo", new DubboServerHandler());
                    }
                });
        return new SampleDubboServer(b.bind(address).sync().channel());
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Closes the listening socket (accepted connections are closed when their event loop group shuts down). */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }

    /**
     * Frames and answers requests; one instance per connection, called only on its event loop. Inbound buffers are
     * owned by {@link ByteToMessageDecoder}; responses are newly allocated and their ownership passes to the channel.
     */
    static final class DubboServerHandler extends ByteToMessageDecoder {
        private static final String GREET = "greet";
        private static final String STRING_DESCRIPTOR = "Ljava/lang/String;";
        private static final String HELLO = "Hello, ";

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= DubboWire.HEADER_LENGTH) {
                int start = in.readerIndex();
                if (in.getShort(start) != DubboWire.MAGIC) {
                    in.skipBytes(in.readableBytes());
                    ctx.close();
                    return;
                }
                int bodyLength = in.getInt(start + 12);
                if (bodyLength < 0 || bodyLength > DubboWire.MAX_BODY_LENGTH) {
                    in.skipBytes(in.readableBytes());
                    ctx.close();
                    return;
                }
                if (in.readableBytes() < DubboWire.HEADER_LENGTH + bodyLength) {
                    return;
                }
                int flag = in.getUnsignedByte(start + 2);
                long id = in.getLong(start + 4);
                ByteBuf body = in.slice(start + DubboWire.HEADER_LENGTH, bodyLength);
                in.skipBytes(DubboWire.HEADER_LENGTH + bodyLength);
                if ((flag & DubboWire.FLAG_REQUEST) != 0) {
                    onRequest(ctx, flag, id, body);
                }
                // Responses (to heartbeats we never send) are ignored.
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            ctx.flush();
            super.channelReadComplete(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** {@code body} is borrowed (a slice of the cumulation) for the duration of the call. */
        private void onRequest(ChannelHandlerContext ctx, int flag, long id, ByteBuf body) {
            boolean twoWay = (flag & DubboWire.FLAG_TWO_WAY) != 0;
            int serialization = flag & DubboWire.SERIALIZATION_MASK;
            if ((flag & DubboWire.FLAG_EVENT) != 0) {
                if (twoWay) {
                    ByteBuf r = ctx.alloc().buffer(DubboWire.HEADER_LENGTH + 1);
                    DubboWire.writeHeader(r, DubboWire.FLAG_EVENT | serialization, DubboWire.OK, id, 1);
                    r.writeByte('N');
                    ctx.write(r, ctx.voidPromise());
                }
                return;
            }
            if (serialization != DubboWire.HESSIAN2) {
                if (twoWay) {
                    writeError(ctx, id, DubboWire.BAD_REQUEST, "Fail to decode request: serialization id "
                            + serialization + " is not supported by the xmesh sample backend (only hessian2 = 2)");
                }
                return;
            }
            String dubboVersion;
            String path;
            String method;
            String descriptor;
            String arg = null;
            try {
                dubboVersion = DubboWire.readString(body);
                path = DubboWire.readString(body);
                DubboWire.readString(body); // service version: not checked
                method = DubboWire.readString(body);
                descriptor = DubboWire.readString(body);
                if (GREET.equals(method) && STRING_DESCRIPTOR.equals(descriptor)) {
                    arg = DubboWire.readString(body);
                }
                // attachments follow; the sample does not need them
            } catch (RuntimeException e) {
                if (twoWay) {
                    writeError(ctx, id, DubboWire.BAD_REQUEST, "Fail to decode request due to: " + e);
                }
                return;
            }
            if (!twoWay) {
                return;
            }
            if (!GreetingService.NAME.equals(path)) {
                writeError(ctx, id, DubboWire.SERVICE_NOT_FOUND, "Not found exported service: " + path
                        + " (the xmesh sample backend exports only " + GreetingService.NAME + ")");
                return;
            }
            if (!GREET.equals(method) || !STRING_DESCRIPTOR.equals(descriptor)) {
                writeError(ctx, id, DubboWire.SERVICE_ERROR, "No such method " + method + "(" + descriptor
                        + ") in service " + path + "; the xmesh sample backend has only greet(Ljava/lang/String;)");
                return;
            }
            boolean attachments = DubboWire.supportsResponseAttachments(dubboVersion);
            ByteBuf r = ctx.alloc().buffer(64 + (arg == null ? 4 : arg.length() * 3));
            try {
                DubboWire.writeHeader(r, DubboWire.HESSIAN2, DubboWire.OK, id, 0);
                r.writeByte(0x90 + (attachments ? DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS : DubboWire.RESPONSE_VALUE));
                DubboWire.writeString(r, HELLO + arg);
                if (attachments) {
                    r.writeByte('H');
                    DubboWire.writeString(r, "dubbo");
                    DubboWire.writeString(r, DubboWire.DUBBO_VERSION);
                    r.writeByte('Z');
                }
                r.setInt(12, r.readableBytes() - DubboWire.HEADER_LENGTH);
            } catch (RuntimeException e) {
                r.release();
                throw e;
            }
            ctx.write(r, ctx.voidPromise());
        }

        private static void writeError(ChannelHandlerContext ctx, long id, int status, String message) {
            ByteBuf r = ctx.alloc().buffer(DubboWire.HEADER_LENGTH + message.length() + 8);
            DubboWire.writeHeader(r, DubboWire.HESSIAN2, status, id, 0);
            DubboWire.writeString(r, message);
            r.setInt(12, r.readableBytes() - DubboWire.HEADER_LENGTH);
            ctx.write(r, ctx.voidPromise());
        }
    }
}
