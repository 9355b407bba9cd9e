package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.xmesh.xprotocol.codec.CodecException;

import java.util.List;

/**
 * Splits a Dubbo byte stream into {@link DubboFrame}s, whatever the fragmentation.
 *
 * <pre>
 *   0      1      2      3      4                            12                16
 *  +------+------+------+------+-----------------------------+-----------------+----------+
 *  | 0xda | 0xbb | flag |status|  request id (int64 BE)      | body length n   | body     |
 *  |      |      |      |      |                             | (int32 BE)      | n bytes  |
 *  +------+------+------+------+-----------------------------+-----------------+----------+
 *  |&lt;---------------------------- one DubboFrame: 16 + n bytes -----------------------------&gt;|
 * </pre>
 *
 * <h2>What it checks</h2>
 * Only the header: the magic (checked as soon as each of its bytes arrives), and the body
 * length: negative, or a frame longer than {@code maxFrameLength}, is refused before any body
 * byte is buffered. The body is not looked at here: {@link DubboFrame#header} parses it lazily.
 *
 * <h2>Errors</h2>
 * Wrong magic, a negative length ({@link CodecException}) and an oversized frame
 * ({@link io.xmesh.xprotocol.codec.FrameTooLargeException}, carrying the request id read from the header) are all fatal:
 * the decoder fires the exception with {@code ctx.fireExceptionCaught}, discards the buffered
 * bytes and every byte that arrives later, and emits no more frames. It does not close the
 * channel: the proxy may first send an error reply for the known request id, then closes.
 * When the channel closes in the middle of a frame, the partial frame is reported the same way
 * (a fatal {@link CodecException} saying it was truncated) and released.
 *
 * <h2>Buffers</h2>
 * Each frame's content is a retained slice of the cumulation buffer
 * ({@code readRetainedSlice}): no copy. {@link ByteToMessageDecoder}'s merge cumulator copies
 * to a new buffer rather than writing into one that slices still reference, so a slice stays
 * valid after later reads. If the cumulation is read-only, the frame is copied once so that its
 * request id can be rewritten in place. Ownership of each emitted frame passes to the next
 * inbound handler.
 *
 * <p>One instance per channel (not sharable); runs on the channel's event loop. Its frames share
 * the channel's parse context (body readers and a cache of routing strings), so they must be
 * used on that event loop, as {@link io.xmesh.xprotocol.codec.XFrame} requires.
 */
public final class DubboFrameDecoder extends ByteToMessageDecoder {
    private final DubboFramer framer;
    private boolean failed;

    DubboFrameDecoder(int maxFrameLength, DubboReplyTemplates templates) {
        this.framer = new DubboFramer(maxFrameLength, templates);
    }

    /**
     * @param in  the cumulation, <b>borrowed</b> (owned by {@link ByteToMessageDecoder})
     * @param out receives new frames; ownership of each passes down the pipeline
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        DubboFrame frame;
        try {
            frame = framer.next(in, ctx.alloc());
        } catch (CodecException e) {
            fail(ctx, in, e);
            return;
        }
        if (frame != null) {
            out.add(frame);
        }
    }

    /**
     * At channel close: decodes what is complete, then reports the bytes of an incomplete frame
     * as a fatal {@link CodecException} ("truncated") and discards them.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (!failed && in.isReadable()) {
            decode(ctx, in, out);
        }
        if (!failed && in.isReadable()) {
            long id = in.readableBytes() >= DubboWire.HEADER_LENGTH
                    ? in.getLong(in.readerIndex() + DubboWire.ID_OFFSET) : CodecException.NO_REQUEST_ID;
            fail(ctx, in, new CodecException("xmesh: connection closed inside a dubbo frame ("
                    + in.readableBytes() + " bytes of a truncated frame)", id, true, null));
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, CodecException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
    }

    /** Whether a fatal error was reported; the decoder then discards everything. */
    public boolean isFailed() {
        return failed;
    }
}
