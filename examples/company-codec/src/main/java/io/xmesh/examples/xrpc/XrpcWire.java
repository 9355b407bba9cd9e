package io.xmesh.examples.xrpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The xrpc wire format: offsets, flags and a frame writer (the layout is drawn in the package
 * documentation). Stateless; safe from any thread.
 */
public final class XrpcWire {
    /** 'X' 'R'. */
    public static final int MAGIC = 0x5852;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 22;

    public static final int OFFSET_VERSION = 2;
    public static final int OFFSET_FLAGS = 3;
    public static final int OFFSET_REQUEST_ID = 4;
    public static final int OFFSET_STATUS = 12;
    public static final int OFFSET_SERVICE_LENGTH = 14;
    public static final int OFFSET_METHOD_LENGTH = 16;
    public static final int OFFSET_PAYLOAD_LENGTH = 18;

    /** Set on responses (and heartbeat replies); clear on requests. */
    public static final int FLAG_RESPONSE = 0x01;
    /** A request that expects no response. */
    public static final int FLAG_ONEWAY = 0x02;
    /** A heartbeat (with {@link #FLAG_RESPONSE}: a heartbeat reply). */
    public static final int FLAG_HEARTBEAT = 0x04;
    /** Every defined flag bit; others must be zero. */
    public static final int KNOWN_FLAGS = FLAG_RESPONSE | FLAG_ONEWAY | FLAG_HEARTBEAT;

    /** Longest service or method name: its length field is 16 bits. */
    public static final int MAX_NAME_LENGTH = 0xFFFF;

    private XrpcWire() {
    }

    /**
     * Writes one frame into a new buffer from {@code alloc}.
     *
     * @param payload the payload, <b>borrowed</b>: its readable bytes are copied, its indices and
     *                reference count are left alone; may be null for none
     * @return a new buffer holding the frame; <b>ownership is transferred</b> to the caller
     * @throws IllegalArgumentException if a name is longer than {@link #MAX_NAME_LENGTH} bytes
     */
    public static ByteBuf writeFrame(ByteBufAllocator alloc, int flags, long requestId, int status,
                                     String service, String method, ByteBuf payload) {
        int p = payload == null ? 0 : payload.readableBytes();
        ByteBuf out = header(alloc, flags, requestId, status, service, method, p);
        if (payload != null) {
            out.writeBytes(payload, payload.readerIndex(), p);
        }
        return out;
    }

    /** Like {@link #writeFrame(ByteBufAllocator, int, long, int, String, String, ByteBuf)} with a byte array payload. */
    public static ByteBuf writeFrame(ByteBufAllocator alloc, int flags, long requestId, int status,
                                     String service, String method, byte[] payload) {
        ByteBuf out = header(alloc, flags, requestId, status, service, method, payload == null ? 0 : payload.length);
        return payload == null ? out : out.writeBytes(payload);
    }

    /** A new buffer sized for the whole frame, holding the header and the names. */
    private static ByteBuf header(ByteBufAllocator alloc, int flags, long requestId, int status,
                                  String service, String method, int payloadLength) {
        byte[] s = service.getBytes(StandardCharsets.UTF_8);
        byte[] m = method.getBytes(StandardCharsets.UTF_8);
        if (s.length > MAX_NAME_LENGTH || m.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("xrpc: service and method names are limited to " + MAX_NAME_LENGTH + " bytes");
        }
        ByteBuf out = alloc.buffer(HEADER_LENGTH + s.length + m.length + payloadLength);
        return out.writeShort(MAGIC).writeByte(VERSION).writeByte(flags).writeLong(requestId).writeShort(status)
                .writeShort(s.length).writeShort(m.length).writeInt(payloadLength)
                .writeBytes(s).writeBytes(m);
    }
}
