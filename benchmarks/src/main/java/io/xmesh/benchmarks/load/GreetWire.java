package io.xmesh.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.xmesh.sample.DubboWire;
import java.nio.charset.StandardCharsets;

/**
 * Pre-encoded {@code greet(String)} requests and their expected answers, for the load tool. The argument is the request
 * id in 16 lowercase hex digits followed by {@code payload} 'x' characters, so every response can be checked against
 * its id: the body must be flag 1 or 4 followed by the hessian string {@code "Hello, " + argument}.
 *
 * <pre>
 * request  = header(16: da bb c2 00 | id | length) "2.0.2" service "0.0.0" "greet" "Ljava/lang/String;"
 *            arg(prefix | 16 hex digits of id | x * payload) H path service interface service version 0.0.0 timeout T Z
 * response = header(16: da bb 02 14 | id | length) 0x94|0x91 string(prefix | "Hello, " | 16 hex | x * payload) ...
 * </pre>
 * Immutable after construction; thread-safe.
 */
public final class GreetWire {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] requestTemplate;
    private final int requestHexOffset;
    private final byte[] answerPrefix;   // hessian string prefix + "Hello, "
    private final byte[] answerPadding;  // the 'x' tail
    private final int payload;

    /**
     * @param service the Dubbo service name
     * @param payload extra characters in the argument (0 to 30000)
     * @param timeoutMs the {@code timeout} attachment
     */
    public GreetWire(String service, int payload, int timeoutMs) {
        if (payload < 0 || payload > 30000) {
            throw new IllegalArgumentException("payload must be 0..30000 characters: " + payload);
        }
        this.payload = payload;
        int argLength = 16 + payload;
        ByteBuf t = Unpooled.buffer(256 + payload);
        DubboWire.writeHeader(t, DubboWire.FLAG_REQUEST | DubboWire.FLAG_TWO_WAY | DubboWire.HESSIAN2, 0, 0L, 0);
        DubboWire.writeString(t, DubboWire.DUBBO_VERSION);
        DubboWire.writeString(t, service);
        DubboWire.writeString(t, "0.0.0");
        DubboWire.writeString(t, "greet");
        DubboWire.writeString(t, "Ljava/lang/String;");
        int argStart = t.writerIndex();
        DubboWire.writeString(t, "0".repeat(16) + "x".repeat(payload));
        this.requestHexOffset = argStart + prefixLength(argLength);
        t.writeByte('H');
        DubboWire.writeString(t, "path");
        DubboWire.writeString(t, service);
        DubboWire.writeString(t, "interface");
        DubboWire.writeString(t, service);
        DubboWire.writeString(t, "version");
        DubboWire.writeString(t, "0.0.0");
        DubboWire.writeString(t, "timeout");
        DubboWire.writeString(t, Integer.toString(timeoutMs));
        t.writeByte('Z');
        t.setInt(12, t.writerIndex() - DubboWire.HEADER_LENGTH);
        this.requestTemplate = new byte[t.readableBytes()];
        t.readBytes(requestTemplate);
        t.release();

        ByteBuf a = Unpooled.buffer();
        DubboWire.writeString(a, "Hello, " + "0".repeat(16) + "x".repeat(payload));
        int prefix = prefixLength(argLength + 7);
        this.answerPrefix = new byte[prefix + 7];
        a.getBytes(0, answerPrefix);
        a.release();
        this.answerPadding = "x".repeat(payload).getBytes(StandardCharsets.US_ASCII);
    }

    private static int prefixLength(int chars) {
        return chars <= 31 ? 1 : chars <= 1023 ? 2 : 3;
    }

    /** Bytes of one request frame. */
    public int requestLength() {
        return requestTemplate.length;
    }

    /**
     * A new request frame for {@code id}; ownership of the returned buffer passes to the caller.
     */
    public ByteBuf request(ByteBufAllocator alloc, long id) {
        ByteBuf b = alloc.directBuffer(requestTemplate.length);
        b.writeBytes(requestTemplate);
        b.setLong(4, id);
        for (int i = 0; i < 16; i++) {
            b.setByte(requestHexOffset + i, HEX[(int) (id >>> (60 - 4 * i)) & 0xf]);
        }
        return b;
    }

    /**
     * Whether {@code frame} (borrowed; a whole response frame, indexes untouched) is a status-20 answer to request
     * {@code id} carrying exactly {@code "Hello, " + argument(id)}.
     */
    public boolean verify(ByteBuf frame, long id) {
        int base = frame.readerIndex();
        if (frame.getUnsignedByte(base + 3) != DubboWire.OK || frame.getLong(base + 4) != id) {
            return false;
        }
        int p = base + DubboWire.HEADER_LENGTH;
        int bodyEnd = p + frame.getInt(base + 12);
        if (bodyEnd - p < 1 + answerPrefix.length + 16 + payload || bodyEnd > frame.writerIndex()) {
            return false;
        }
        int flag = frame.getUnsignedByte(p++);
        if (flag != 0x90 + DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS && flag != 0x90 + DubboWire.RESPONSE_VALUE) {
            return false;
        }
        for (byte b : answerPrefix) {
            if (frame.getByte(p++) != b) {
                return false;
            }
        }
        for (int i = 0; i < 16; i++) {
            if (frame.getByte(p++) != HEX[(int) (id >>> (60 - 4 * i)) & 0xf]) {
                return false;
            }
        }
        for (byte b : answerPadding) {
            if (frame.getByte(p++) != b) {
                return false;
            }
        }
        return true;
    }
}
