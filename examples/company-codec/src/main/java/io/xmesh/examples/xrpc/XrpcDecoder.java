package io.xmesh.examples.xrpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.FrameTooLargeException;
import io.xmesh.xprotocol.codec.ProtocolSide;

import java.util.List;

import static io.xmesh.examples.xrpc.XrpcWire.HEADER_LENGTH;

/**
 * Cuts the inbound byte stream into {@link XrpcFrame}s, one per whole frame, whatever the
 * fragmentation. Each frame is a retained slice of the received bytes (no copy).
 *
 * <p>Validation happens on the header alone, before the body is waited for: magic, version,
 * flags, direction ({@link ProtocolSide#SERVER} accepts requests and heartbeats,
 * {@link ProtocolSide#CLIENT} responses and heartbeat replies), status of requests, empty names
 * on heartbeats, and the frame length against {@code maxFrameLength}. A failure is fired as a
 * {@link CodecException} (not thrown, so it is not wrapped); a fatal one makes the decoder
 * discard everything that follows, and the proxy closes the connection. A request without a
 * service or method name is a non-fatal error: its bytes are skipped and the exception carries
 * its id, so the proxy can answer it.
 *
 * <p>One instance per connection; runs on the connection's event loop.
 */
final class XrpcDecoder extends ByteToMessageDecoder {

    private final ProtocolSide side;
    private final int maxFrameLength;
    private boolean failed;

    XrpcDecoder(ProtocolSide side, int maxFrameLength) {
        this.side = side;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * @param in  the cumulated bytes, <b>borrowed</b>; whole frames are read from it as retained slices
     * @param out receives new {@link XrpcFrame}s, each with <b>ownership transferred</b> downstream
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int r = in.readerIndex();
        int readable = in.readableBytes();
        // Check what has arrived of the fixed start early, so garbage fails fast.
        if (readable >= 2 && in.getUnsignedShort(r) != XrpcWire.MAGIC) {
            fatal(ctx, in, new CodecException(String.format("xrpc: bad magic 0x%04x", in.getUnsignedShort(r))));
            return;
        }
        if (readable >= 3 && in.getUnsignedByte(r + XrpcWire.OFFSET_VERSION) != XrpcWire.VERSION) {
            fatal(ctx, in, new CodecException("xrpc: unsupported version " + in.getUnsignedByte(r + XrpcWire.OFFSET_VERSION)));
            return;
        }
        if (readable < HEADER_LENGTH) {
            return;
        }
        int flags = in.getUnsignedByte(r + XrpcWire.OFFSET_FLAGS);
        long id = in.getLong(r + XrpcWire.OFFSET_REQUEST_ID);
        int status = in.getUnsignedShort(r + XrpcWire.OFFSET_STATUS);
        int serviceLength = in.getUnsignedShort(r + XrpcWire.OFFSET_SERVICE_LENGTH);
        int methodLength = in.getUnsignedShort(r + XrpcWire.OFFSET_METHOD_LENGTH);
        long payloadLength = in.getUnsignedInt(r + XrpcWire.OFFSET_PAYLOAD_LENGTH);
        long length = HEADER_LENGTH + serviceLength + methodLength + payloadLength;
        if (length > maxFrameLength) {
            fatal(ctx, in, new FrameTooLargeException(length, maxFrameLength, id));
            return;
        }
        FrameKind kind = XrpcFrame.kindOf(flags);
        if (kind == null) {
            fatal(ctx, in, new CodecException(String.format("xrpc: invalid flags 0x%02x", flags), id, true, null));
            return;
        }
        boolean expected = side == ProtocolSide.SERVER
                ? kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY || kind == FrameKind.HEARTBEAT
                : kind == FrameKind.RESPONSE || kind == FrameKind.HEARTBEAT_REPLY;
        if (!expected) {
            fatal(ctx, in, new CodecException("xrpc: a " + kind + " frame cannot arrive on the " + side + " side",
                    id, true, null));
            return;
        }
        boolean request = kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY || kind == FrameKind.HEARTBEAT;
        if (request && status != XrpcStatus.OK) {
            fatal(ctx, in, new CodecException("xrpc: a request must have status 0, not " + status, id, true, null));
            return;
        }
        boolean heartbeat = kind == FrameKind.HEARTBEAT || kind == FrameKind.HEARTBEAT_REPLY;
        if (heartbeat && (serviceLength != 0 || methodLength != 0)) {
            fatal(ctx, in, new CodecException("xrpc: a heartbeat has no service or method", id, true, null));
            return;
        }
        if (readable < length) {
            return;
        }
        if (!heartbeat && request && (serviceLength == 0 || methodLength == 0)) {
            in.skipBytes((int) length);
            ctx.fireExceptionCaught(new CodecException("xrpc: request " + id + " has no service or method name",
                    id, false, null));
            return;
        }
        out.add(new XrpcFrame(in.readRetainedSlice((int) length), kind));
    }

    private void fatal(ChannelHandlerContext ctx, ByteBuf in, CodecException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
    }
}
