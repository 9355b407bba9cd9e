package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.xmesh.codec.dubbo.internal.ParseContext;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.FrameTooLargeException;

/**
 * Cuts {@link DubboFrame}s out of a byte stream, without a pipeline: the work of
 * {@link DubboFrameDecoder}, usable directly by tools and benchmarks. Frames it makes share one
 * parse context (body readers and a string cache), so a framer and its frames belong to one
 * thread (a channel's event loop).
 *
 * <pre>
 *   0      1      2      3      4                            12                16
 *  +------+------+------+------+-----------------------------+-----------------+----------+
 *  | 0xda | 0xbb | flag |status|  request id (int64 BE)      | body length n   | body     |
 *  +------+------+------+------+-----------------------------+-----------------+----------+
 * </pre>
 * Create one with {@link DubboProtocol#framer(int)}.
 */
public final class DubboFramer {
    private final int maxFrameLength;
    private final DubboReplyTemplates templates;
    private final ParseContext parseContext = new ParseContext();

    DubboFramer(int maxFrameLength, DubboReplyTemplates templates) {
        if (maxFrameLength < DubboWire.HEADER_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength below the header length: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
        this.templates = templates;
    }

    /**
     * Takes the next complete frame from {@code in}, or nothing.
     *
     * @param in    the received bytes, <b>borrowed</b>; a frame's bytes are consumed from it
     *              (its reader index moves past them) and the frame holds a retained slice of
     *              them (no copy, unless {@code in} is read-only)
     * @param alloc used only to copy a frame out of a read-only buffer
     * @return a frame, <b>ownership transferred</b> to the caller, or null when {@code in} does
     *         not yet hold a whole frame (nothing consumed)
     * @throws CodecException (fatal) for a wrong magic (as soon as one of its bytes differs) or a
     *                        negative body length; {@link FrameTooLargeException} (fatal, with the
     *                        request id) for a frame over the limit, from its header alone
     */
    public DubboFrame next(ByteBuf in, ByteBufAllocator alloc) {
        int readable = in.readableBytes();
        int r = in.readerIndex();
        if (readable >= 1 && in.getByte(r) != DubboWire.MAGIC_HIGH
                || readable >= 2 && in.getByte(r + 1) != DubboWire.MAGIC_LOW) {
            throw new CodecException("xmesh: not a dubbo frame: bad magic 0x"
                    + Integer.toHexString(readable >= 2 ? in.getUnsignedShort(r) : in.getUnsignedByte(r)));
        }
        if (readable < DubboWire.HEADER_LENGTH) {
            return null;
        }
        long id = in.getLong(r + DubboWire.ID_OFFSET);
        int bodyLength = in.getInt(r + DubboWire.LENGTH_OFFSET);
        if (bodyLength < 0) {
            throw new CodecException("xmesh: dubbo frame with negative body length " + bodyLength, id, true, null);
        }
        long frameLength = (long) DubboWire.HEADER_LENGTH + bodyLength;
        if (frameLength > maxFrameLength) {
            throw new FrameTooLargeException(frameLength, maxFrameLength, id);
        }
        if (readable < frameLength) {
            return null;
        }
        ByteBuf frame = in.readRetainedSlice((int) frameLength);
        if (frame.isReadOnly()) {
            ByteBuf copy = alloc.buffer((int) frameLength);
            try {
                copy.writeBytes(frame);
            } finally {
                frame.release();
            }
            frame = copy;
        }
        int ser = frame.getUnsignedByte(frame.readerIndex() + DubboWire.FLAG_OFFSET) & DubboWire.SERIALIZATION_MASK;
        return new DubboFrame(frame, templates.of(ser), parseContext);
    }
}
