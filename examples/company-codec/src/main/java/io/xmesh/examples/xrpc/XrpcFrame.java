package io.xmesh.examples.xrpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.xmesh.xprotocol.codec.AbstractXFrame;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.RoutingHeaders;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import static io.xmesh.examples.xrpc.XrpcWire.HEADER_LENGTH;
import static io.xmesh.examples.xrpc.XrpcWire.OFFSET_FLAGS;
import static io.xmesh.examples.xrpc.XrpcWire.OFFSET_METHOD_LENGTH;
import static io.xmesh.examples.xrpc.XrpcWire.OFFSET_PAYLOAD_LENGTH;
import static io.xmesh.examples.xrpc.XrpcWire.OFFSET_REQUEST_ID;
import static io.xmesh.examples.xrpc.XrpcWire.OFFSET_SERVICE_LENGTH;
import static io.xmesh.examples.xrpc.XrpcWire.OFFSET_STATUS;

/**
 * One xrpc frame: its bytes, exactly as on the wire, and lazy access to the routing fields.
 * The service and method names are decoded on first use (they are routing headers); the payload
 * is never looked at.
 *
 * <p>Not thread-safe: used on one event loop, like every {@link io.xmesh.xprotocol.codec.XFrame}.
 */
final class XrpcFrame extends AbstractXFrame {

    private final FrameKind kind;
    private long requestId;
    private String service;
    private String method;

    /**
     * @param content one whole, validated frame (see {@link XrpcDecoder}); <b>ownership is
     *                transferred</b> to the frame
     * @param kind    what the flags say it is
     */
    XrpcFrame(ByteBuf content, FrameKind kind) {
        super(content);
        this.kind = kind;
        this.requestId = content.getLong(content.readerIndex() + OFFSET_REQUEST_ID);
    }

    /** The kind the flags byte describes, or null for a combination xrpc does not define. */
    static FrameKind kindOf(int flags) {
        boolean response = (flags & XrpcWire.FLAG_RESPONSE) != 0;
        boolean oneway = (flags & XrpcWire.FLAG_ONEWAY) != 0;
        boolean heartbeat = (flags & XrpcWire.FLAG_HEARTBEAT) != 0;
        if ((flags & ~XrpcWire.KNOWN_FLAGS) != 0 || oneway && (response || heartbeat)) {
            return null;
        }
        if (heartbeat) {
            return response ? FrameKind.HEARTBEAT_REPLY : FrameKind.HEARTBEAT;
        }
        if (response) {
            return FrameKind.RESPONSE;
        }
        return oneway ? FrameKind.ONEWAY : FrameKind.REQUEST;
    }

    @Override
    public String protocol() {
        return XrpcProtocol.NAME;
    }

    @Override
    public FrameKind kind() {
        return kind;
    }

    @Override
    public long requestId() {
        return requestId;
    }

    /** Rewrites the 8 id bytes in place; the frame keeps its length and every other byte. */
    @Override
    public void setRequestId(long requestId) {
        content.setLong(content.readerIndex() + OFFSET_REQUEST_ID, requestId);
        this.requestId = requestId;
    }

    /**
     * {@code service} and {@code method}; null for other names and when the name is empty.
     *
     * @throws CodecException (not fatal) when the name is not valid UTF-8
     */
    @Override
    public String header(String name) {
        if (RoutingHeaders.SERVICE.equals(name)) {
            if (service == null) {
                service = name(HEADER_LENGTH, content.getUnsignedShort(content.readerIndex() + OFFSET_SERVICE_LENGTH), name);
            }
            return service.isEmpty() ? null : service;
        }
        if (RoutingHeaders.METHOD.equals(name)) {
            if (method == null) {
                int serviceLength = content.getUnsignedShort(content.readerIndex() + OFFSET_SERVICE_LENGTH);
                method = name(HEADER_LENGTH + serviceLength,
                        content.getUnsignedShort(content.readerIndex() + OFFSET_METHOD_LENGTH), name);
            }
            return method.isEmpty() ? null : method;
        }
        return null;
    }

    private String name(int offset, int length, String header) {
        int index = content.readerIndex() + offset;
        if (!ByteBufUtil.isText(content, index, length, StandardCharsets.UTF_8)) {
            throw new CodecException("xrpc: the " + header + " name is not valid UTF-8", requestId, false, null);
        }
        return content.toString(index, length, StandardCharsets.UTF_8);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        String s = header(RoutingHeaders.SERVICE);
        if (s != null) {
            action.accept(RoutingHeaders.SERVICE, s);
        }
        String m = header(RoutingHeaders.METHOD);
        if (m != null) {
            action.accept(RoutingHeaders.METHOD, m);
        }
    }

    @Override
    public int status() {
        return content.getUnsignedShort(content.readerIndex() + OFFSET_STATUS);
    }

    @Override
    public boolean isServerError() {
        return kind == FrameKind.RESPONSE && XrpcStatus.isServerError(status());
    }

    @Override
    public ReplyTemplate replyTemplate() {
        return kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY ? XrpcReplyTemplate.INSTANCE : null;
    }

    /** Payload length, from the header. */
    long payloadLength() {
        return content.getUnsignedInt(content.readerIndex() + OFFSET_PAYLOAD_LENGTH);
    }

    /** The flags byte. */
    int flags() {
        return content.getUnsignedByte(content.readerIndex() + OFFSET_FLAGS);
    }

    @Override
    public String toString() {
        return "XrpcFrame[" + kind + ", id=" + requestId + ", " + content.readableBytes() + " bytes]";
    }
}
