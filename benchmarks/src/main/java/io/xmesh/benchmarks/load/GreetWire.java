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
    /** Bytes of a response that {@link #verify} looks at: header, flag, string prefix, "Hello, ", hex, padding. */
    private final int checkedLength;
    /**
     * Per-thread scratch copies, so that a request is written and an answer read with one buffer access each (cheap
     * also under Netty's PARANOID leak detection, which records every access).
     */
    private final ThreadLocal<byte[]> requestScratch;
    private final ThreadLocal<byte[]> answerScratch;

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
        this.checkedLength = DubboWire.HEADER_LENGTH + 1 + answerPrefix.length + 16 + payload;
        byte[] template = requestTemplate;
        this.requestScratch = ThreadLocal.withInitial(template::clone);
        int checked = checkedLength;
        this.answerScratch = ThreadLocal.withInitial(() -> new byte[checked]);
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
        byte[] b = requestScratch.get();
        for (int i = 0; i < 8; i++) {
            b[4 + i] = (byte) (id >>> (56 - 8 * i));
        }
        for (int i = 0; i < 16; i++) {
            b[requestHexOffset + i] = HEX[(int) (id >>> (60 - 4 * i)) & 0xf];
        }
        return alloc.directBuffer(b.length).writeBytes(b);
    }

    /**
     * Whether {@code frame} (borrowed; a whole response frame, indexes untouched) is a status-20 answer to request
     * {@code id} carrying exactly {@code "Hello, " + argument(id)}.
     */
    public boolean verify(ByteBuf frame, long id) {
        if (frame.readableBytes() < checkedLength) {
            return false;
        }
        byte[] a = answerScratch.get();
        frame.getBytes(frame.readerIndex(), a, 0, checkedLength);
        if ((a[3] & 0xff) != DubboWire.OK) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (a[4 + i] != (byte) (id >>> (56 - 8 * i))) {
                return false;
            }
        }
        int bodyLength = ((a[12] & 0xff) << 24) | ((a[13] & 0xff) << 16) | ((a[14] & 0xff) << 8) | (a[15] & 0xff);
        if (bodyLength < checkedLength - DubboWire.HEADER_LENGTH) {
            return false;
        }
        int p = DubboWire.HEADER_LENGTH;
        int flag = a[p++] & 0xff;
        if (flag != 0x90 + DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS && flag != 0x90 + DubboWire.RESPONSE_VALUE) {
            return false;
        }
        for (byte b : answerPrefix) {
            if (a[p++] != b) {
                return false;
            }
        }
        for (int i = 0; i < 16; i++) {
            if (a[p++] != HEX[(int) (id >>> (60 - 4 * i)) & 0xf]) {
                return false;
            }
        }
        for (byte b : answerPadding) {
            if (a[p++] != b) {
                return false;
            }
        }
        return true;
    }
}
