package io.xmesh.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link EmbeddedChannel} helpers for codec tests: a channel set up exactly as xmesh sets up a
 * connection, exception capture, and buffer/frame bookkeeping that never leaks, even when an
 * assertion fails half-way.
 *
 * <p>All methods run on the calling (test) thread, which is the embedded channel's event loop.
 *
 * <h2>Typical use</h2>
 * <pre>{@code
 * EmbeddedChannel ch = EmbeddedChannels.open(protocol, ProtocolSide.SERVER, CodecOptions.DEFAULTS);
 * List<XFrame> frames = new ArrayList<>();
 * try {
 *     ch.writeInbound(EmbeddedChannels.buffer(requestBytes));   // ownership of the buffer goes to the channel
 *     frames.addAll(EmbeddedChannels.readFrames(ch));            // ownership of the frames comes to us
 *     assertEquals(FrameKind.REQUEST, frames.get(0).kind());
 *     assertTrue(EmbeddedChannels.exceptions(ch).isEmpty());
 * } finally {
 *     EmbeddedChannels.releaseAll(frames);
 *     EmbeddedChannels.finishClean(ch);                          // asserts finish() is false
 * }
 * }</pre>
 */
public final class EmbeddedChannels {

    /** Name of the handler {@link #open} adds after the codec's handlers. */
    public static final String RECORDER_NAME = "xmesh-testkit-exception-recorder";

    /** The recorder's list, kept on the channel so it stays readable after finish() empties the pipeline. */
    private static final AttributeKey<List<Throwable>> EXCEPTIONS = AttributeKey.valueOf("xmesh-testkit-exceptions");

    private EmbeddedChannels() {
    }

    /**
     * A channel whose pipeline is built by {@link XProtocol#initChannel} (called while the channel
     * registers, so the codec's handlers see {@code channelRegistered} and {@code channelActive}
     * as on a real connection), followed by a recorder that captures every exception reaching
     * the end of the pipeline (see {@link #exceptions}) instead of letting EmbeddedChannel rethrow
     * only the first one. The channel uses the default (pooled) allocator, as xmesh does.
     *
     * <p>The caller owns the channel and must end it with {@link #finishClean} (or
     * {@code ch.finishAndReleaseAll()}).
     */
    public static EmbeddedChannel open(XProtocol protocol, ProtocolSide side, CodecOptions options) {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                protocol.initChannel(ch.pipeline(), side, options);
                ExceptionRecorder recorder = new ExceptionRecorder();
                ch.attr(EXCEPTIONS).set(recorder.exceptions);
                ch.pipeline().addLast(RECORDER_NAME, recorder);
            }
        });
    }

    /**
     * The exceptions that reached the end of {@code ch}'s pipeline so far, oldest first (also
     * those raised while {@code finish()} closed the channel).
     */
    public static List<Throwable> exceptions(EmbeddedChannel ch) {
        List<Throwable> recorded = ch.attr(EXCEPTIONS).get();
        if (recorded == null) {
            throw new IllegalArgumentException("channel was not created by EmbeddedChannels.open");
        }
        return Collections.unmodifiableList(new ArrayList<>(recorded));
    }

    /**
     * {@code t} as a {@link CodecException}, or null when it is something else. Strict on
     * purpose: the proxy acts on a {@code CodecException} fired through the pipeline as it is
     * (answers the request, or closes the connection). One thrown from
     * {@code ByteToMessageDecoder.decode} reaches the pipeline wrapped in Netty's
     * {@code DecoderException}, which the proxy treats as an unexpected failure; see
     * {@link #isWrappedCodecException}.
     */
    public static CodecException codecException(Throwable t) {
        return t instanceof CodecException c ? c : null;
    }

    /**
     * Whether {@code t} is Netty's {@code DecoderException} around a {@link CodecException}: the
     * sign of a codec that throws from {@code decode} instead of calling
     * {@code ctx.fireExceptionCaught(e)}.
     */
    public static boolean isWrappedCodecException(Throwable t) {
        return t != null && "io.netty.handler.codec.DecoderException".equals(t.getClass().getName())
                && t.getCause() instanceof CodecException;
    }

    /**
     * A new unpooled direct buffer holding a copy of {@code bytes}. Unpooled so that its
     * {@link ByteBuf#refCnt()} stays meaningful after release (pooled buffer objects are recycled);
     * direct so that PARANOID leak detection tracks it. <b>Ownership is transferred</b> to the
     * caller (usually straight on to {@code writeInbound}).
     */
    public static ByteBuf buffer(byte[] bytes) {
        return buffer(bytes, 0, bytes.length);
    }

    /** Like {@link #buffer(byte[])} for {@code bytes[from, to)}. */
    public static ByteBuf buffer(byte[] bytes, int from, int to) {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, to - from));
        return buf.writeBytes(bytes, from, to - from);
    }

    /**
     * Takes every inbound message {@code ch} produced so far. Each must be an {@link XFrame};
     * anything else is released and fails the test. <b>Ownership</b> of the returned frames is
     * transferred to the caller.
     */
    public static List<XFrame> readFrames(EmbeddedChannel ch) {
        List<XFrame> frames = new ArrayList<>();
        List<Object> wrong = new ArrayList<>();
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            if (msg instanceof XFrame f) {
                frames.add(f);
            } else {
                wrong.add(msg.getClass().getName());
                ReferenceCountUtil.release(msg);
            }
        }
        if (!wrong.isEmpty()) {
            releaseAll(frames);
            throw new AssertionError("the codec passed non-XFrame messages up the pipeline: " + wrong);
        }
        return frames;
    }

    /**
     * Takes every outbound message {@code ch} produced so far, which must all be {@link ByteBuf}s,
     * and returns their bytes concatenated. Every message is released.
     */
    public static byte[] drainOutbound(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> wrong = new ArrayList<>();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            try {
                if (msg instanceof ByteBuf b) {
                    out.writeBytes(ByteBufUtil.getBytes(b));
                } else {
                    wrong.add(msg.getClass().getName());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError("the codec wrote non-ByteBuf messages to the socket: " + wrong);
        }
        return out.toByteArray();
    }

    /**
     * Encodes {@code frame} with a fresh channel of {@code protocol} on {@code side} and returns
     * the bytes written. <b>Ownership</b> of {@code frame} is transferred (the codec releases it).
     * Fails if the encoder raised an exception or the channel is not clean afterwards.
     */
    public static byte[] encode(XProtocol protocol, ProtocolSide side, CodecOptions options, XFrame frame) {
        EmbeddedChannel ch = open(protocol, side, options);
        try {
            ch.writeOutbound(frame);
            byte[] bytes = drainOutbound(ch);
            List<Throwable> errors = exceptions(ch);
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError("encoding a " + frame.kind() + " frame on the " + side
                        + " side raised " + errors.get(0));
                errors.forEach(e::addSuppressed);
                throw e;
            }
            return bytes;
        } finally {
            finishClean(ch);
        }
    }

    /**
     * Finishes {@code ch} and fails the test if any message was still queued (each is released
     * first, so a failure here never turns into a leak report too).
     */
    public static void finishClean(EmbeddedChannel ch) {
        boolean left = ch.finish();
        if (left) {
            List<String> leftovers = new ArrayList<>();
            for (Object m; (m = ch.readInbound()) != null; ) {
                leftovers.add("inbound " + m);
                ReferenceCountUtil.release(m);
            }
            for (Object m; (m = ch.readOutbound()) != null; ) {
                leftovers.add("outbound " + m);
                ReferenceCountUtil.release(m);
            }
            throw new AssertionError("channel.finish() returned true: messages were left over: " + leftovers);
        }
    }

    /**
     * Releases every {@link io.netty.util.ReferenceCounted} in {@code messages} once, ignoring
     * nulls and objects that are not reference-counted. Continues past failures and rethrows
     * the first.
     */
    public static void releaseAll(Iterable<?> messages) {
        RuntimeException first = null;
        for (Object m : messages) {
            try {
                ReferenceCountUtil.release(m);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The readable bytes of {@code buf}, copied without moving its indices. <b>Borrowed</b>. */
    public static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** Captures exceptions at the end of the pipeline; passes messages on untouched. */
    private static final class ExceptionRecorder extends ChannelInboundHandlerAdapter {
        final List<Throwable> exceptions = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }
    }
}
