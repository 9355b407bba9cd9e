package io.xmesh.codec.dubbo.internal;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes the few values xmesh puts into bodies of its own frames: a string (the message of an
 * error reply) and null (the body of heartbeats), in hessian2 and in fastjson2 as Apache Dubbo
 * reads them. Stateless.
 */
public final class BodyWriter {
    /** Largest chunk of a hessian2 string, in chars. */
    private static final int HESSIAN_CHUNK = 0x8000;

    private BodyWriter() {
    }

    /** Hessian2 null ('N'). */
    public static void writeHessianNull(ByteBuf out) {
        out.writeByte('N');
    }

    /** Fastjson2 null as Dubbo writes a value: int32 length 1, then JSONB null (0xaf). */
    public static void writeFastjson2Null(ByteBuf out) {
        out.writeInt(1);
        out.writeByte(0xaf);
    }

    /**
     * Writes a hessian2 string: one chunk of 0-31 chars ({@code len} + UTF-8), 32-1023 chars
     * ({@code 0x30 + len>>8, len & 0xff} + UTF-8), or 'R' chunks of 32768 chars ended by an 'S'
     * chunk (u16 length). Lengths count UTF-16 chars; each char is written as 1-3 bytes
     * (surrogates one by one, as hessian-lite does).
     *
     * @param out receives the bytes, <b>borrowed</b>
     */
    public static void writeHessianString(ByteBuf out, String s) {
        int len = s.length();
        if (len <= 31) {
            out.writeByte(len);
            writeHessianChars(out, s, 0, len);
        } else if (len <= 1023) {
            out.writeByte(0x30 + (len >> 8));
            out.writeByte(len & 0xff);
            writeHessianChars(out, s, 0, len);
        } else {
            int off = 0;
            while (len - off > HESSIAN_CHUNK) {
                out.writeByte('R');
                out.writeShort(HESSIAN_CHUNK);
                writeHessianChars(out, s, off, off + HESSIAN_CHUNK);
                off += HESSIAN_CHUNK;
            }
            out.writeByte('S');
            out.writeShort(len - off);
            writeHessianChars(out, s, off, len);
        }
    }

    private static void writeHessianChars(ByteBuf out, String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out.writeByte(c);
            } else if (c < 0x800) {
                out.writeByte(0xc0 | (c >> 6));
                out.writeByte(0x80 | (c & 0x3f));
            } else {
                out.writeByte(0xe0 | (c >> 12));
                out.writeByte(0x80 | ((c >> 6) & 0x3f));
                out.writeByte(0x80 | (c & 0x3f));
            }
        }
    }

    /**
     * Writes a string as Dubbo's fastjson2 serialization writes {@code writeUTF}: an int32 length,
     * then a JSONB string: ASCII as {@code 0x49+len} (up to 47 bytes) or {@code 0x79} + length,
     * anything else as {@code 0x7a} (UTF-8) + byte length.
     *
     * @param out receives the bytes, <b>borrowed</b>
     */
    public static void writeFastjson2String(ByteBuf out, String s) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int start = out.writerIndex();
        writeJsonbString(out, s);
        out.setInt(lengthIndex, out.writerIndex() - start);
    }

    /**
     * Writes a JSONB string alone (no length prefix), as inside an object: ASCII as
     * {@code 0x49+len} or {@code 0x79} + length, anything else as {@code 0x7a} + UTF-8.
     *
     * @param out receives the bytes, <b>borrowed</b>
     */
    public static void writeJsonbString(ByteBuf out, String s) {
        if (isAscii(s)) {
            int len = s.length();
            if (len <= 47) {
                out.writeByte(0x49 + len);
            } else {
                out.writeByte(0x79);
                writeJsonbInt(out, len);
            }
            out.writeCharSequence(s, StandardCharsets.US_ASCII);
        } else {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeByte(0x7a);
            writeJsonbInt(out, utf8.length);
            out.writeBytes(utf8);
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A JSONB int32: -16..47 in one byte, then 2-, 3- and 5-byte forms. */
    static void writeJsonbInt(ByteBuf out, int v) {
        if (v >= -16 && v <= 47) {
            out.writeByte(v);
        } else if (v >= -2048 && v <= 2047) {
            out.writeByte(0x38 + (v >> 8));
            out.writeByte(v & 0xff);
        } else if (v >= -262144 && v <= 262143) {
            out.writeByte(0x44 + (v >> 16));
            out.writeShort(v & 0xffff);
        } else {
            out.writeByte(0x48);
            out.writeInt(v);
        }
    }
}
