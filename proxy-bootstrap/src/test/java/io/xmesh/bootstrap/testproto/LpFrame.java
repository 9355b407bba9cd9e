package io.xmesh.bootstrap.testproto;

import io.netty.buffer.ByteBuf;
import io.xmesh.xprotocol.codec.AbstractXFrame;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A frame of the test-only "lp" protocol.
 * <pre>
 *  0      2      3        4                 12          16
 *  +------+------+--------+-----------------+-----------+------------------------------+
 *  | 'LP' | kind | status | request id i64  | len u32   | body (len bytes)             |
 *  +------+------+--------+-----------------+-----------+------------------------------+
 *  body = count u8, then count × (klen u8, key, vlen u16, value), then the payload
 *  kind: 1 request, 2 one-way, 3 response, 4 heartbeat, 5 heartbeat reply
 * </pre>
 */
public final class LpFrame extends AbstractXFrame {
    public static final int HEADER = 16;
    static final ReplyTemplate TEMPLATE = new ReplyTemplate() { };

    private Map<String, String> headers;
    private int payloadOffset;

    /** @param content whole frame, ownership transferred */
    public LpFrame(ByteBuf content) {
        super(content);
    }

    public static FrameKind kindOf(int k) {
        return switch (k) {
            case 1 -> FrameKind.REQUEST;
            case 2 -> FrameKind.ONEWAY;
            case 3 -> FrameKind.RESPONSE;
            case 4 -> FrameKind.HEARTBEAT;
            case 5 -> FrameKind.HEARTBEAT_REPLY;
            default -> throw new IllegalArgumentException("kind " + k);
        };
    }

    public static int codeOf(FrameKind k) {
        return switch (k) {
            case REQUEST -> 1;
            case ONEWAY -> 2;
            case RESPONSE -> 3;
            case HEARTBEAT -> 4;
            case HEARTBEAT_REPLY -> 5;
            case DATA -> throw new IllegalArgumentException("no DATA in lp");
        };
    }

    @Override
    public String protocol() {
        return "lp";
    }

    @Override
    public FrameKind kind() {
        return kindOf(content.getByte(content.readerIndex() + 2));
    }

    @Override
    public long requestId() {
        return content.getLong(content.readerIndex() + 4);
    }

    @Override
    public void setRequestId(long requestId) {
        content.setLong(content.readerIndex() + 4, requestId);
    }

    private void parse() {
        if (headers != null) {
            return;
        }
        headers = new LinkedHashMap<>();
        int i = content.readerIndex() + HEADER;
        int n = content.getUnsignedByte(i++);
        for (int h = 0; h < n; h++) {
            int kl = content.getUnsignedByte(i++);
            String k = content.toString(i, kl, StandardCharsets.UTF_8);
            i += kl;
            int vl = content.getUnsignedShort(i);
            i += 2;
            headers.put(k, content.toString(i, vl, StandardCharsets.UTF_8));
            i += vl;
        }
        payloadOffset = i - content.readerIndex();
    }

    @Override
    public String header(String name) {
        parse();
        return headers.get(name);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        parse();
        headers.forEach(action);
    }

    @Override
    public int status() {
        return content.getUnsignedByte(content.readerIndex() + 3);
    }

    @Override
    public boolean isServerError() {
        return kind() == FrameKind.RESPONSE && status() >= 50;
    }

    @Override
    public ReplyTemplate replyTemplate() {
        return TEMPLATE;
    }

    public String payload() {
        parse();
        int start = content.readerIndex() + payloadOffset;
        return content.toString(start, content.writerIndex() - start, StandardCharsets.UTF_8);
    }

    /** Writes a frame into {@code out}. */
    public static void encode(ByteBuf out, FrameKind kind, int status, long id, Map<String, String> headers, String payload) {
        out.writeByte('L').writeByte('P').writeByte(codeOf(kind)).writeByte(status).writeLong(id);
        int lenAt = out.writerIndex();
        out.writeInt(0);
        int start = out.writerIndex();
        out.writeByte(headers.size());
        headers.forEach((k, v) -> {
            byte[] kb = k.getBytes(StandardCharsets.UTF_8);
            byte[] vb = v.getBytes(StandardCharsets.UTF_8);
            out.writeByte(kb.length).writeBytes(kb).writeShort(vb.length).writeBytes(vb);
        });
        out.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        out.setInt(lenAt, out.writerIndex() - start);
    }
}
