package io.xmesh.examples.xrpc.demo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.xmesh.examples.xrpc.XrpcWire;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The demo applications' own xrpc codec: whole {@link XrpcMessage}s in and out, as a company's
 * existing services would have it, with no xmesh types. One instance per connection.
 */
public final class XrpcMessageCodec extends ByteToMessageCodec<XrpcMessage> {

    private final int maxFrameLength;

    /** @param maxFrameLength largest frame accepted, header included */
    public XrpcMessageCodec(int maxFrameLength) {
        super(XrpcMessage.class);
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, XrpcMessage msg, ByteBuf out) {
        ByteBuf frame = XrpcWire.writeFrame(ctx.alloc(), msg.flags(), msg.requestId(), msg.status(), msg.service(),
                msg.method(), msg.payload());
        try {
            out.writeBytes(frame);
        } finally {
            frame.release();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < XrpcWire.HEADER_LENGTH) {
            return;
        }
        int r = in.readerIndex();
        if (in.getUnsignedShort(r) != XrpcWire.MAGIC || in.getUnsignedByte(r + XrpcWire.OFFSET_VERSION) != XrpcWire.VERSION) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("not xrpc version 1");
        }
        int serviceLength = in.getUnsignedShort(r + XrpcWire.OFFSET_SERVICE_LENGTH);
        int methodLength = in.getUnsignedShort(r + XrpcWire.OFFSET_METHOD_LENGTH);
        long payloadLength = in.getUnsignedInt(r + XrpcWire.OFFSET_PAYLOAD_LENGTH);
        long length = XrpcWire.HEADER_LENGTH + serviceLength + methodLength + payloadLength;
        if (length > maxFrameLength) {
            in.skipBytes(in.readableBytes());
            throw new TooLongFrameException("xrpc frame of " + length + " bytes");
        }
        if (in.readableBytes() < length) {
            return;
        }
        int flags = in.getUnsignedByte(r + XrpcWire.OFFSET_FLAGS);
        long id = in.getLong(r + XrpcWire.OFFSET_REQUEST_ID);
        int status = in.getUnsignedShort(r + XrpcWire.OFFSET_STATUS);
        in.skipBytes(XrpcWire.HEADER_LENGTH);
        String service = in.readCharSequence(serviceLength, StandardCharsets.UTF_8).toString();
        String method = in.readCharSequence(methodLength, StandardCharsets.UTF_8).toString();
        byte[] payload = new byte[(int) payloadLength];
        in.readBytes(payload);
        out.add(new XrpcMessage(flags, id, status, service, method, payload));
    }
}
