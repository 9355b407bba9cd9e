package io.xmesh.codec.dubbo.internal;

import io.netty.buffer.ByteBuf;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the body of a Dubbo frame in serialization 23 (fastjson2) without building objects.
 *
 * <h2>How Apache Dubbo 3.3 writes a fastjson2 body</h2>
 * Every value ({@code writeUTF}, {@code writeObject}, {@code writeByte}...) is written as its own
 * JSONB document, preceded by the document's length:
 * <pre>
 *  +-------------------+---------------------------+-------------------+------
 *  | length (int32 BE) | JSONB document (length B) | length (int32 BE) | ...
 *  +-------------------+---------------------------+-------------------+------
 * </pre>
 * ({@code writeBytes} writes the length and raw bytes instead.) So arguments are skipped by
 * their length prefix alone. Strings and the attachment map are read from their JSONB document:
 * <pre>
 *  0xf0-0x2f int -16..47          0x30-0x3f int, +1 byte      0x40-0x47 int, +2   0x48 int32, +4
 *  0x49-0x78 ISO-8859-1 string of 0-47 bytes                   0x79 ISO-8859-1, int length
 *  0x7a UTF-8, 0x7b UTF-16 (BOM), 0x7c UTF-16LE, 0x7d UTF-16BE, 0x7e GB18030: int byte length
 *  0x7f symbol: int reference, or string + int index (defines it)
 *  0x90 char (int)   0x91 binary: int length + bytes   0x92 typed: type name, then the value
 *  0x93 reference: path string   0x94-0xa3 array of 0-15   0xa4 array: int count
 *  0xa6 object: (name value)* 0xa5     0xa7..0xae dates and times    0xaf null
 *  0xb0/0xb1 false/true   0xb2/0xb3 double 0/1   0xb4 double as int64   0xb5 double +8
 *  0xb6 float as int32    0xb7 float +4   0xb8 decimal as int64   0xb9 decimal: scale, bigint
 *  0xba bigint as int64   0xbb bigint: int length + bytes   0xbc int16  0xbd int8
 *  0xbe int64 +8   0xbf int64 as int32 +4   0xc0-0xc7 int64 +2   0xc8-0xd7 +1   0xd8-0xef
 * </pre>
 * Type names (after 0x92) are read as strings or symbols and never interpreted: no class is
 * looked up or loaded. Nesting deeper than {@link #MAX_DEPTH} is refused, every length is
 * checked against the remaining bytes. Not thread-safe; the buffer is <b>borrowed</b>.
 */
public final class JsonbReader {
    /** Deepest nesting of arrays, objects and typed values accepted. */
    public static final int MAX_DEPTH = 256;
    /** Largest symbol index accepted in one document. */
    public static final int MAX_SYMBOLS = 4096;

    private static final int OBJECT = 0xa6;
    private static final int OBJECT_END = 0xa5;
    private static final int NULL = 0xaf;
    private static final int SYMBOL = 0x7f;
    private static final int TYPED_ANY = 0x92;

    private final StringCache strings;
    private ByteBuf buf;
    private int bodyEnd;
    private int pos;
    /** End of the JSONB document being read. */
    private int docEnd;
    private int depth;
    /** Symbol table of the current document: per index, (start << 32) | (type << 24) | length. */
    private long[] symbols;

    /**
     * @param buf   the bytes, <b>borrowed</b>
     * @param start absolute index of the first length prefix
     * @param end   absolute index just past the body
     */
    public JsonbReader(ByteBuf buf, int start, int end) {
        this(null);
        reset(buf, start, end);
    }

    /** A reader to {@link #reset} before use, sharing {@code strings} (may be null) across frames. */
    public JsonbReader(StringCache strings) {
        this.strings = strings;
    }

    /**
     * Points the reader at new bytes: one reader can serve every frame of a channel, one frame
     * at a time.
     *
     * @param buf <b>borrowed</b> until the next reset
     */
    public JsonbReader reset(ByteBuf buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.bodyEnd = end;
        this.docEnd = end;
        this.depth = 0;
        return this;
    }

    /**
     * Opens one length-prefixed value that must hold an object or map (possibly typed) and
     * consumes its start.
     *
     * @return false if the value is null (then the value is fully consumed)
     */
    public boolean beginMapDocument() {
        openDocument();
        int b = u8();
        if (b == NULL) {
            closeDocument();
            return false;
        }
        if (b == TYPED_ANY) {
            skipTypeName();
            b = u8();
        }
        if (b != OBJECT) {
            pos--;
            throw corrupt("expected an object, found type byte 0x" + Integer.toHexString(b));
        }
        return true;
    }

    /** Consumes the object end (and checks the value's length) and returns true, or returns false. */
    public boolean endOfMap() {
        if (peek() == OBJECT_END) {
            pos++;
            closeDocument();
            return true;
        }
        return false;
    }

    /**
     * Consumes the next name (a map key) and says whether it is a string equal to {@code name},
     * without building a string for plain ASCII names.
     */
    public boolean matchKey(String name) {
        int b = peek();
        int len;
        int start;
        if (b >= 0x49 && b <= 0x78) {
            len = b - 0x49;
            start = pos + 1;
        } else if (b == 0x79) {
            pos++;
            len = readLength(); // checked against the end of the value
            start = pos;
            boolean equal = len == name.length() && latin1Equals(start, name);
            pos = start + len;
            return equal;
        } else if (isStringStart(b)) {
            return name.equals(readStringValue());
        } else {
            skipValue();
            return false;
        }
        need(1L + len);
        boolean equal = len == name.length() && latin1Equals(start, name);
        pos = start + len;
        return equal;
    }

    private boolean latin1Equals(int start, String name) {
        for (int i = 0; i < name.length(); i++) {
            if ((buf.getByte(start + i) & 0xff) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads the next value if it is a string (and not a reference); otherwise skips it and returns null. */
    public String readStringOrSkip() {
        if (isStringStart(peek())) {
            return readStringValue();
        }
        skipValue();
        return null;
    }

    /** Absolute index of the next byte to read. */
    public int position() {
        return pos;
    }

    private BodyFormatException corrupt(String what) {
        return new BodyFormatException("fastjson2: " + what + " at index " + pos);
    }

    /** Reads a length prefix and makes the document it announces the current one. */
    private int openDocument() {
        docEnd = bodyEnd;
        need(4);
        int len = buf.getInt(pos);
        pos += 4;
        if (len < 0 || len > bodyEnd - pos) {
            throw corrupt("value length " + len + " out of range");
        }
        docEnd = pos + len;
        depth = 0;
        if (symbols != null) {
            java.util.Arrays.fill(symbols, 0L);
        }
        return len;
    }

    private void closeDocument() {
        if (pos != docEnd) {
            throw corrupt("value ends " + (docEnd - pos) + " bytes before its length said");
        }
        docEnd = bodyEnd;
    }

    /** Skips one length-prefixed value without looking inside it. */
    public void skipDocument() {
        int len = openDocument();
        pos += len;
        docEnd = bodyEnd;
    }

    /**
     * Walks one length-prefixed value with {@link #skipValue()} and checks that it ends exactly
     * where its length says: validates a value without building it.
     */
    public void walkDocument() {
        openDocument();
        skipValue();
        closeDocument();
    }

    /** Reads one length-prefixed value that must hold a JSONB string or null. */
    public String readStringDocument() {
        openDocument();
        String s = readStringValue();
        closeDocument();
        return s;
    }

    /**
     * Reads one length-prefixed value holding a JSONB object or map (possibly typed) and puts
     * every entry whose name and value are both strings into {@code into}.
     *
     * @return false if the value was null
     */
    public boolean readStringMapDocument(Map<String, String> into) {
        openDocument();
        int b = u8();
        if (b == NULL) {
            closeDocument();
            return false;
        }
        if (b == TYPED_ANY) {
            skipTypeName();
            b = u8();
        }
        if (b != OBJECT) {
            pos--;
            throw corrupt("expected an object, found type byte 0x" + Integer.toHexString(b));
        }
        depth++;
        while (peek() != OBJECT_END) {
            String key = isStringStart(peek()) ? readStringValue() : skipAndNull();
            if (peek() == 0x93) { // a reference value: never a string
                skipValue();
                continue;
            }
            String value = isStringStart(peek()) ? readStringValue() : skipAndNull();
            if (key != null && value != null) {
                into.put(key, value);
            }
        }
        pos++;
        depth--;
        closeDocument();
        return true;
    }

    private String skipAndNull() {
        skipValue();
        return null;
    }

    private static boolean isStringStart(int b) {
        return b >= 0x49 && b <= 0x7f;
    }

    private int u8() {
        if (pos >= docEnd) {
            throw corrupt("truncated value");
        }
        return buf.getUnsignedByte(pos++);
    }

    private int peek() {
        if (pos >= docEnd) {
            throw corrupt("truncated value");
        }
        return buf.getUnsignedByte(pos);
    }

    private void need(long n) {
        if (n < 0 || n > docEnd - pos) {
            throw corrupt("length " + n + " past the end of the value");
        }
    }

    private void skip(long n) {
        need(n);
        pos += (int) n;
    }

    /** Reads an int32 in any of JSONB's int32 forms. */
    private int readInt32() {
        int b = u8();
        byte sb = (byte) b;
        if (sb >= -16 && sb <= 47) {
            return sb;
        }
        if (b >= 0x30 && b <= 0x3f) {
            return ((b - 0x38) << 8) | u8();
        }
        if (b >= 0x40 && b <= 0x47) {
            need(2);
            int v = ((b - 0x44) << 16) | buf.getUnsignedShort(pos);
            pos += 2;
            return v;
        }
        if (b == 0x48) {
            need(4);
            int v = buf.getInt(pos);
            pos += 4;
            return v;
        }
        pos--;
        throw corrupt("expected an int, found 0x" + Integer.toHexString(b));
    }

    /** Skips an int64 in any of JSONB's int64 or int32 forms. */
    private void skipInt64() {
        int b = u8();
        if (b >= 0xd8 && b <= 0xef) {
            return;
        }
        if (b >= 0xc8 && b <= 0xd7) {
            skip(1);
            return;
        }
        if (b >= 0xc0 && b <= 0xc7) {
            skip(2);
            return;
        }
        if (b == 0xbf) {
            skip(4);
            return;
        }
        if (b == 0xbe) {
            skip(8);
            return;
        }
        pos--;
        readInt32();
    }

    private int readLength() {
        int n = readInt32();
        if (n < 0 || n > docEnd - pos) {
            throw corrupt("length " + n + " out of range");
        }
        return n;
    }

    private Charset charsetOf(int type) {
        return switch (type) {
            case 0x79 -> StandardCharsets.ISO_8859_1;
            case 0x7a -> StandardCharsets.UTF_8;
            case 0x7e -> Charset.forName("GB18030");
            default -> throw corrupt("not a string type 0x" + Integer.toHexString(type));
        };
    }

    /**
     * UTF-16 code units as they are, lone surrogates included (as fastjson2 reads them; the
     * JDK's decoders would replace those). 0x7c little-endian, 0x7d big-endian, 0x7b big-endian
     * unless a byte-order mark says otherwise.
     */
    private String utf16(int start, int len, int type) {
        if ((len & 1) != 0) {
            throw corrupt("odd UTF-16 byte length " + len);
        }
        boolean little = type == 0x7c;
        int i = start;
        int end = start + len;
        if (type == 0x7b && len >= 2) {
            int bom = buf.getUnsignedShort(start);
            if (bom == 0xfeff || bom == 0xfffe) {
                little = bom == 0xfffe;
                i += 2;
            }
        }
        char[] out = new char[(end - i) / 2];
        for (int n = 0; i < end; i += 2, n++) {
            out[n] = (char) (little ? buf.getUnsignedShortLE(i) : buf.getUnsignedShort(i));
        }
        return new String(out);
    }

    /** Reads a string (any form, symbols resolved) or null. */
    private String readStringValue() {
        int b = u8();
        if (b == NULL) {
            return null;
        }
        if (b >= 0x49 && b <= 0x79) {
            int len = b == 0x79 ? readLength() : b - 0x49;
            need(len);
            String s = strings == null ? null : strings.lookup(buf, pos, len);
            if (s == null) {
                s = buf.toString(pos, len, StandardCharsets.ISO_8859_1);
                if (strings != null) {
                    strings.put(s);
                }
            }
            pos += len;
            return s;
        }
        if (b >= 0x7b && b <= 0x7d) {
            int len = readLength();
            String s = utf16(pos, len, b);
            pos += len;
            return s;
        }
        if (b == 0x7a || b == 0x7e) {
            int len = readLength();
            String s = buf.toString(pos, len, charsetOf(b));
            pos += len;
            return s;
        }
        if (b == SYMBOL) {
            int next = peek();
            byte sn = (byte) next;
            if ((sn >= -16 && sn <= 0x48)) {
                int index = readInt32();
                return symbolString(index);
            }
            int start = pos;
            String s = readStringValue();
            defineSymbol(readInt32(), start);
            return s;
        }
        pos--;
        throw corrupt("expected a string, found type byte 0x" + Integer.toHexString(b));
    }

    private void defineSymbol(int index, int stringStart) {
        if (index < 0 || index >= MAX_SYMBOLS) {
            throw corrupt("symbol index " + index + " out of range");
        }
        if (symbols == null) {
            symbols = new long[Math.max(16, index + 1)];
        } else if (symbols.length <= index) {
            long[] bigger = new long[Math.max(symbols.length * 2, index + 1)];
            System.arraycopy(symbols, 0, bigger, 0, symbols.length);
            symbols = bigger;
        }
        symbols[index] = ((long) stringStart << 1) | 1L; // odd: defined
    }

    private String symbolString(int index) {
        if (index < 0 || symbols == null || index >= symbols.length || (symbols[index] & 1L) == 0) {
            throw corrupt("undefined symbol #" + index);
        }
        int saved = pos;
        pos = (int) (symbols[index] >>> 1);
        String s = readStringValue();
        pos = saved;
        return s;
    }

    /** Skips a string in any form, defining symbols as they appear. */
    private void skipStringFrom(int b) {
        if (b >= 0x49 && b <= 0x78) {
            skip(b - 0x49);
        } else if (b >= 0x79 && b <= 0x7e) {
            skip(readLength());
        } else if (b == SYMBOL) {
            int next = peek();
            byte sn = (byte) next;
            if (sn >= -16 && sn <= 0x48) {
                readInt32();
            } else {
                int start = pos;
                skipStringFrom(u8());
                defineSymbol(readInt32(), start);
            }
        } else {
            pos--;
            throw corrupt("expected a string, found type byte 0x" + Integer.toHexString(b));
        }
    }

    /** A type name after 0x92: a symbol reference (int), or a string followed by its symbol index. */
    private void skipTypeName() {
        int b = peek();
        byte sb = (byte) b;
        if (sb >= -16 && sb <= 0x48) {
            readInt32();
            return;
        }
        if (b == SYMBOL) {
            pos++;
            skipStringFrom(SYMBOL);
            return;
        }
        int start = pos;
        skipStringFrom(u8());
        defineSymbol(readInt32(), start); // a new type name is always followed by its symbol index
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw corrupt("values nested deeper than " + MAX_DEPTH);
        }
    }

    /** Skips one JSONB value of any type. */
    public void skipValue() {
        int b = u8();
        byte sb = (byte) b;
        if (sb >= -16 && sb <= 47) {
            return; // small int32
        }
        if (b >= 0x30 && b <= 0x3f) {
            skip(1);
            return;
        }
        if (b >= 0x40 && b <= 0x47) {
            skip(2);
            return;
        }
        if (b == 0x48) {
            skip(4);
            return;
        }
        if (b >= 0x49 && b <= 0x7f) {
            skipStringFrom(b);
            return;
        }
        if (b >= 0xd8 && b <= 0xef) {
            return; // small int64
        }
        if (b >= 0xc8 && b <= 0xd7) {
            skip(1);
            return;
        }
        if (b >= 0xc0 && b <= 0xc7) {
            skip(2);
            return;
        }
        if (b >= 0x94 && b <= 0xa4) {
            int n = b == 0xa4 ? readLength() : b - 0x94;
            enter();
            for (int i = 0; i < n; i++) {
                skipValue();
            }
            depth--;
            return;
        }
        switch (b) {
            case NULL, 0xb0, 0xb1, 0xb2, 0xb3 -> {
            }
            case 0xbd -> skip(1);
            case 0xbc -> skip(2);
            case 0xbf, 0xb7, 0xac, 0xad, 0xa9 -> skip(4);
            case 0xbe, 0xb5, 0xab -> skip(8);
            case 0x90, 0xb6 -> readInt32();
            case 0xb4, 0xb8, 0xba -> skipInt64();
            case 0xbb, 0x91 -> skip(readLength());
            case 0xb9 -> {
                readInt32(); // scale
                int t = u8();
                if (t == 0xbb) {
                    skip(readLength());
                } else {
                    pos--;
                    skipInt64();
                }
            }
            case 0xa7 -> { // local time: hour, minute, second, nanos
                skip(3);
                readInt32();
            }
            case 0xa8 -> { // local date-time: year(2) month day hour minute second, nanos
                skip(7);
                readInt32();
            }
            case 0xaa -> { // zoned date-time: as 0xa8, then the zone id string
                skip(7);
                readInt32();
                skipStringFrom(u8());
            }
            case 0xae -> { // instant: seconds, nanos
                skipInt64();
                readInt32();
            }
            case TYPED_ANY -> {
                enter();
                skipTypeName();
                skipValue();
                depth--;
            }
            case 0x93 -> skipStringFrom(u8()); // reference path, e.g. "$" or ".."
            case OBJECT -> {
                enter();
                while (peek() != OBJECT_END) {
                    skipValue(); // name: a string, a symbol, or any value for non-string map keys
                    skipValue();
                }
                pos++;
                depth--;
            }
            default -> {
                pos--;
                throw corrupt("unknown type byte 0x" + Integer.toHexString(b));
            }
        }
    }
}
