package io.xmesh.sample;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The few facts of the Dubbo 2 wire protocol that the sample backend and the demo client need, as constants and small
 * stateless helpers. All methods are thread-safe.
 *
 * <pre>
 * 0      2      3        4                          12               16
 * +------+------+--------+--------------------------+----------------+--------------------+
 * | da bb| flag | status | request id (int64, BE)   | body length    | body: hessian2     |
 * |      |      |        |                          | (int32, BE)    | values, no envelope|
 * +------+------+--------+--------------------------+----------------+--------------------+
 * flag: 0x80 request | 0x40 two-way | 0x20 event (heartbeat) | low 5 bits serialization id (2 = hessian2)
 * status (responses): 20 OK, 40 BAD_REQUEST, 60 SERVICE_NOT_FOUND, 70 SERVICE_ERROR, 80 SERVER_ERROR, ...
 *
 * request body : "2.0.2" path version method descriptor arg* attachments(H ... Z)
 * response body: status 20 -> int flag (4 = value + attachments, 1 = value, 2/5 null, 0/3 exception), value,
 *                             [attachments when the flag is 3..5];
 *                status != 20 -> one hessian string, the error message
 * heartbeat    : event flag, body = hessian null 'N', answered with the same id and status 20
 * </pre>
 */
public final class DubboWire {
    public static final short MAGIC = (short) 0xdabb;
    public static final int HEADER_LENGTH = 16;
    /** Dubbo's default payload limit. */
    public static final int MAX_BODY_LENGTH = 8 * 1024 * 1024;

    public static final int FLAG_REQUEST = 0x80;
    public static final int FLAG_TWO_WAY = 0x40;
    public static final int FLAG_EVENT = 0x20;
    public static final int SERIALIZATION_MASK = 0x1f;
    public static final int HESSIAN2 = 2;

    public static final int OK = 20;
    public static final int BAD_REQUEST = 40;
    public static final int SERVICE_NOT_FOUND = 60;
    public static final int SERVICE_ERROR = 70;
    public static final int SERVER_ERROR = 80;

    public static final int RESPONSE_WITH_EXCEPTION = 0;
    public static final int RESPONSE_VALUE = 1;
    public static final int RESPONSE_NULL_VALUE = 2;
    public static final int RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS = 3;
    public static final int RESPONSE_VALUE_WITH_ATTACHMENTS = 4;
    public static final int RESPONSE_NULL_VALUE_WITH_ATTACHMENTS = 5;

    /** The dubbo protocol version Apache Dubbo 2.7 / 3.x write first in a request body. */
    public static final String DUBBO_VERSION = "2.0.2";

    private static final int HESSIAN_STRING_CHUNK = 0x8000;

    private DubboWire() {
    }

    /** Name of a status code, for messages ({@code "OK"}, {@code "SERVICE_NOT_FOUND"}, ...). */
    public static String statusName(int status) {
        return switch (status) {
            case 20 -> "OK";
            case 30 -> "CLIENT_TIMEOUT";
            case 31 -> "SERVER_TIMEOUT";
            case 35 -> "CHANNEL_INACTIVE";
            case 40 -> "BAD_REQUEST";
            case 50 -> "BAD_RESPONSE";
            case 60 -> "SERVICE_NOT_FOUND";
            case 70 -> "SERVICE_ERROR";
            case 80 -> "SERVER_ERROR";
            case 90 -> "CLIENT_ERROR";
            case 100 -> "SERVER_THREADPOOL_EXHAUSTED_ERROR";
            default -> "STATUS_" + status;
        };
    }

    /**
     * Writes a 16-byte header. {@code out} is borrowed; the body length is written as given.
     */
    public static void writeHeader(ByteBuf out, int flag, int status, long id, int bodyLength) {
        out.writeShort(MAGIC);
        out.writeByte(flag);
        out.writeByte(status);
        out.writeLong(id);
        out.writeInt(bodyLength);
    }

    /**
     * Whether a request that declares dubbo protocol version {@code version} accepts response flags 3..5 (value or
     * exception followed by attachments): versions 2.0.2 up to 2.0.99, as Apache Dubbo decides it. Older clients get
     * flags 0..2 and no attachments.
     */
    public static boolean supportsResponseAttachments(String version) {
        int v = intVersion(version);
        return v >= 2_00_02_00 && v <= 2_00_99_00;
    }

    /** "a.b.c" to a*1000000 + b*10000 + c*100 (each part up to 99); -1 when unparseable. */
    static int intVersion(String version) {
        if (version == null || version.isEmpty()) {
            return -1;
        }
        String[] parts = version.split("\\.");
        int v = 0;
        int scale = 1_000_000;
        for (int i = 0; i < parts.length && i < 3; i++) {
            int p;
            try {
                p = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return -1;
            }
            if (p < 0 || p > 99) {
                return -1;
            }
            v += p * scale;
            scale /= 100;
        }
        return v;
    }

    /**
     * Appends {@code s} as a hessian2 string (short, medium, or 'R'/'S' chunks; UTF-8 per UTF-16 unit, as hessian
     * does). {@code out} is borrowed. A null writes hessian null {@code 'N'}.
     */
    public static void writeString(ByteBuf out, String s) {
        if (s == null) {
            out.writeByte('N');
            return;
        }
        int length = s.length();
        int offset = 0;
        while (length - offset > HESSIAN_STRING_CHUNK) {
            int sub = HESSIAN_STRING_CHUNK;
            if (Character.isHighSurrogate(s.charAt(offset + sub - 1))) {
                sub--;
            }
            out.writeByte('R');
            out.writeShort(sub);
            writeChars(out, s, offset, sub);
            offset += sub;
        }
        int rest = length - offset;
        if (rest <= 31) {
            out.writeByte(rest);
        } else if (rest <= 1023) {
            out.writeByte(0x30 + (rest >> 8));
            out.writeByte(rest & 0xff);
        } else {
            out.writeByte('S');
            out.writeShort(rest);
        }
        writeChars(out, s, offset, rest);
    }

    private static void writeChars(ByteBuf out, String s, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
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
     * Reads one hessian2 string (or null 'N') from {@code in} (borrowed; its reader index advances past the value).
     *
     * @throws IllegalArgumentException if the next value is not a string or is truncated
     */
    public static String readString(ByteBuf in) {
        int tag = in.readUnsignedByte();
        if (tag == 'N') {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            int count;
            boolean last = true;
            if (tag <= 0x1f) {
                count = tag;
            } else if (tag >= 0x30 && tag <= 0x33) {
                count = ((tag - 0x30) << 8) | in.readUnsignedByte();
            } else if (tag == 'S' || tag == 'R') {
                count = in.readUnsignedShort();
                last = tag == 'S';
            } else {
                throw new IllegalArgumentException("not a hessian2 string: tag 0x" + Integer.toHexString(tag));
            }
            readChars(in, count, sb);
            if (last) {
                return sb.toString();
            }
            tag = in.readUnsignedByte();
        }
    }

    private static void readChars(ByteBuf in, int count, StringBuilder sb) {
        for (int i = 0; i < count; i++) {
            int b = in.readUnsignedByte();
            if (b < 0x80) {
                sb.append((char) b);
            } else if ((b & 0xe0) == 0xc0) {
                sb.append((char) (((b & 0x1f) << 6) | (in.readUnsignedByte() & 0x3f)));
            } else if ((b & 0xf0) == 0xe0) {
                int b1 = in.readUnsignedByte();
                int b2 = in.readUnsignedByte();
                sb.append((char) (((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f)));
            } else {
                throw new IllegalArgumentException("bad UTF-8 lead byte in hessian2 string: 0x" + Integer.toHexString(b));
            }
        }
    }

    /** The ASCII bytes of a string, for constants. */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
