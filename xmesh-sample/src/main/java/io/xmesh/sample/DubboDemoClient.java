package io.xmesh.sample;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one {@code greet(String)} call over raw Netty — no Dubbo SDK — and returns the decoded answer. The request is
 * built exactly as Apache Dubbo 3.3.6 builds it (hessian2; see {@link #greetRequestBody}), so the same call works
 * against a real Dubbo provider, the sample backend, or xmesh in front of either.
 *
 * <p>Blocking; meant for demos, scripts and tests, not for an event loop.
 */
public final class DubboDemoClient {
    /** The {@code remote.application} attachment the demo client sends. */
    public static final String APPLICATION = "xmesh-demo-client";

    private DubboDemoClient() {
    }

    /** A decoded response. {@code value} is the returned object (or the exception object), when status is 20. */
    public record Reply(long id, int status, int responseFlag, Object value, String errorMessage,
                        Map<?, ?> attachments) {
        public boolean ok() {
            return status == DubboWire.OK && (responseFlag == DubboWire.RESPONSE_VALUE
                    || responseFlag == DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS
                    || responseFlag == DubboWire.RESPONSE_NULL_VALUE
                    || responseFlag == DubboWire.RESPONSE_NULL_VALUE_WITH_ATTACHMENTS);
        }

        /** One line for humans. */
        public String describe() {
            String s = "status=" + status + " (" + DubboWire.statusName(status) + ")";
            if (status != DubboWire.OK) {
                return s + " message=" + errorMessage;
            }
            if (responseFlag == DubboWire.RESPONSE_WITH_EXCEPTION
                    || responseFlag == DubboWire.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS) {
                return s + " exception=" + value;
            }
            return s + " value=" + value + (attachments == null || attachments.isEmpty() ? "" : " attachments=" + attachments);
        }
    }

    /**
     * The hessian2 request body of {@code service.greet(name)} as Apache Dubbo 3.3.6 writes it:
     * {@code "2.0.2"}, service path, version {@code "0.0.0"}, {@code "greet"}, {@code "Ljava/lang/String;"}, the
     * argument, then an untyped map of attachments {@code path, remote.application, interface, version, timeout}
     * (in that order, as a 3.3.6 consumer's HashMap iterates them).
     */
    public static byte[] greetRequestBody(String service, String name, int timeoutMs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        Hessian2Output out = new Hessian2Output(bytes);
        try {
            out.writeString(DubboWire.DUBBO_VERSION);
            out.writeString(service);
            out.writeString("0.0.0");
            out.writeString("greet");
            out.writeString("Ljava/lang/String;");
            out.writeString(name);
            out.writeMapBegin(null);
            out.writeString("path");
            out.writeString(service);
            out.writeString("remote.application");
            out.writeString(APPLICATION);
            out.writeString("interface");
            out.writeString(service);
            out.writeString("version");
            out.writeString("0.0.0");
            out.writeString("timeout");
            out.writeString(Integer.toString(timeoutMs));
            out.writeMapEnd();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A whole request frame (header + {@link #greetRequestBody}): two-way, hessian2, with the given id. */
    public static byte[] greetRequestFrame(long id, String service, String name, int timeoutMs) {
        byte[] body = greetRequestBody(service, name, timeoutMs);
        ByteBuf frame = Unpooled.buffer(DubboWire.HEADER_LENGTH + body.length);
        DubboWire.writeHeader(frame, DubboWire.FLAG_REQUEST | DubboWire.FLAG_TWO_WAY | DubboWire.HESSIAN2, 0, id,
                body.length);
        frame.writeBytes(body);
        return ByteBufUtil.getBytes(frame);
    }

    /**
     * Decodes a whole response frame.
     *
     * @throws IllegalArgumentException if it is not a Dubbo response
     */
    public static Reply decodeResponse(byte[] frame) {
        ByteBuf h = Unpooled.wrappedBuffer(frame);
        if (frame.length < DubboWire.HEADER_LENGTH || h.getShort(0) != DubboWire.MAGIC) {
            throw new IllegalArgumentException("not a Dubbo frame");
        }
        int flag = h.getUnsignedByte(2);
        if ((flag & DubboWire.FLAG_REQUEST) != 0) {
            throw new IllegalArgumentException("a request, not a response");
        }
        int status = h.getUnsignedByte(3);
        long id = h.getLong(4);
        int length = h.getInt(12);
        Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(frame, DubboWire.HEADER_LENGTH, length));
        try {
            if (status != DubboWire.OK) {
                return new Reply(id, status, -1, null, in.readString(), Map.of());
            }
            int responseFlag = in.readInt();
            Object value = null;
            Map<?, ?> attachments = Map.of();
            switch (responseFlag) {
                case DubboWire.RESPONSE_VALUE, DubboWire.RESPONSE_WITH_EXCEPTION -> value = in.readObject();
                case DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS, DubboWire.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS -> {
                    value = in.readObject();
                    attachments = (Map<?, ?>) in.readObject();
                }
                case DubboWire.RESPONSE_NULL_VALUE_WITH_ATTACHMENTS -> attachments = (Map<?, ?>) in.readObject();
                case DubboWire.RESPONSE_NULL_VALUE -> { }
                default -> throw new IllegalArgumentException("unknown response flag " + responseFlag);
            }
            return new Reply(id, status, responseFlag, value, null, attachments);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode the response body: " + e, e);
        }
    }

    /** Calls {@code io.xmesh.sample.GreetingService.greet(name)} at host:port; see {@link #call(String, int, String, String, int)}. */
    public static Reply call(String host, int port, String name, int timeoutMs) throws IOException {
        return call(host, port, GreetingService.NAME, name, timeoutMs);
    }

    /**
     * Connects, sends one greet request with a random id, waits for the response with that id (skipping anything
     * else), closes.
     *
     * @throws IOException on connect failure, a closed connection, or no answer within {@code timeoutMs}
     */
    public static Reply call(String host, int port, String service, String name, int timeoutMs) throws IOException {
        long id = ThreadLocalRandom.current().nextLong();
        byte[] request = greetRequestFrame(id, service, name, timeoutMs);
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        EventLoopGroup group = Transports.newGroup(1, Transports.daemonThreads("xmesh-demo-client"));
        try {
            Channel ch = new Bootstrap().group(group).channel(Transports.clientChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new LengthFieldBasedFrameDecoder(
                                    DubboWire.HEADER_LENGTH + DubboWire.MAX_BODY_LENGTH, 12, 4, 0, 0));
                            c.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                    if (frame.getShort(0) == DubboWire.MAGIC && frame.getLong(4) == id
                                            && (frame.getUnsignedByte(2) & (DubboWire.FLAG_REQUEST | DubboWire.FLAG_EVENT)) == 0) {
                                        answer.complete(ByteBufUtil.getBytes(frame));
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    answer.completeExceptionally(new IOException("connection closed by " + host + ":" + port
                                            + " before the answer"));
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    answer.completeExceptionally(cause);
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect(host, port).syncUninterruptibly().channel();
            try {
                ch.writeAndFlush(Unpooled.wrappedBuffer(request));
                return decodeResponse(answer.get(timeoutMs, TimeUnit.MILLISECONDS));
            } finally {
                ch.close().syncUninterruptibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException("no answer from " + host + ":" + port + " within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot call " + host + ":" + port + ": " + e.getMessage(), e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
