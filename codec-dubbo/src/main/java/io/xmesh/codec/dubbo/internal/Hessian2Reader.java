package io.xmesh.codec.dubbo.internal;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads just enough of a hessian2 byte sequence (hessian-lite, as Apache Dubbo writes it) to
 * find strings and to <em>skip</em> every other value by its type byte, without building
 * objects, resolving types or loading classes. Type names in class definitions, typed lists and
 * typed maps are skipped as strings and never interpreted.
 *
 * <p>Grammar handled (first byte of a value):
 * <pre>
 *  0x00-0x1f string, 0-31 chars         0x20-0x2f binary, 0-15 bytes
 *  0x30-0x33 string, 2-byte length      0x34-0x37 binary, 2-byte length
 *  0x38-0x3f long, 3 bytes              'A'/'B'   binary chunk (non-final/final), u16 length
 *  'C' class definition, then a value   'D' double, 8 bytes
 *  'F'/'T'/'N' false/true/null          'H' untyped map ... 'Z'
 *  'I' int, 4 bytes                     'J' date, 8 bytes; 'K' date in minutes, 4 bytes
 *  'L' long, 8 bytes                    'M' typed map: type, entries, 'Z'
 *  'O' object: int class ref, fields    'Q' back reference: int
 *  'R'/'S' string chunk (non-final/final), u16 length in chars
 *  'U' typed variable list ... 'Z'      'V' typed fixed list: type, int length, values
 *  'W' untyped variable list ... 'Z'    'X' untyped fixed list: int length, values
 *  'Y' long as int32, 4 bytes           0x5b/0x5c double 0.0/1.0; 0x5d +1; 0x5e +2; 0x5f +4
 *  0x60-0x6f object, class ref 0-15     0x70-0x77 typed fixed list, 0-7 values
 *  0x78-0x7f untyped fixed list, 0-7    0x80-0xbf int, 1 byte; 0xc0-0xcf +1; 0xd0-0xd7 +2
 *  0xd8-0xef long, 1 byte               0xf0-0xff long, 2 bytes
 * </pre>
 * String lengths count UTF-16 chars; each char is 1-3 bytes (hessian writes surrogates one by
 * one). Class definitions and back references are scoped to one frame body, like in Dubbo.
 *
 * <p>Every length is checked against the remaining bytes before it is used, so a hostile length
 * fails fast without a long loop; nesting deeper than {@link #MAX_DEPTH} is refused. Not
 * thread-safe: one reader per parse, on the frame's event loop. The buffer is <b>borrowed</b>:
 * the reader never changes its indices or reference count.
 */
public final class Hessian2Reader {
    /** Deepest nesting of lists, maps and objects accepted. */
    public static final int MAX_DEPTH = 256;

    private final StringCache strings;
    private ByteBuf buf;
    private int end;
    private int pos;
    private int depth;
    private int[] classFieldCounts;
    private int classCount;
    private char[] chars;

    /**
     * @param buf   the bytes, <b>borrowed</b>
     * @param start absolute index of the first value
     * @param end   absolute index just past the last byte that may be read
     */
    public Hessian2Reader(ByteBuf buf, int start, int end) {
        this(null);
        reset(buf, start, end);
    }

    /** A reader to {@link #reset} before use, sharing {@code strings} (may be null) across frames. */
    public Hessian2Reader(StringCache strings) {
        this.strings = strings;
    }

    /**
     * Points the reader at new bytes and forgets class definitions and depth: one reader can
     * serve every frame of a channel, one frame at a time.
     *
     * @param buf <b>borrowed</b> until the next reset
     */
    public Hessian2Reader reset(ByteBuf buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.depth = 0;
        this.classCount = 0;
        return this;
    }

    /** Absolute index of the next byte to read. */
    public int position() {
        return pos;
    }

    /** Whether every byte up to the end has been read. */
    public boolean atEnd() {
        return pos == end;
    }

    private BodyFormatException corrupt(String what) {
        return new BodyFormatException("hessian2: " + what + " at index " + pos);
    }

    private int u8() {
        if (pos >= end) {
            throw corrupt("truncated value");
        }
        return buf.getUnsignedByte(pos++);
    }

    private int peek() {
        if (pos >= end) {
            throw corrupt("truncated value");
        }
        return buf.getUnsignedByte(pos);
    }

    private int u16() {
        need(2);
        int v = buf.getUnsignedShort(pos);
        pos += 2;
        return v;
    }

    private void need(long n) {
        if (n < 0 || n > end - pos) {
            throw corrupt("length " + n + " past the end of the body");
        }
    }

    private void skip(long n) {
        need(n);
        pos += (int) n;
    }

    /** The field counts of the class definitions read so far, or null if none. */
    public int[] classDefinitions() {
        return classCount == 0 ? null : java.util.Arrays.copyOf(classFieldCounts, classCount);
    }

    /**
     * Makes definitions read earlier in the same body known again (after a {@link #reset}), so
     * that values after the arguments can refer to classes the arguments defined.
     *
     * @param fieldCounts from {@link #classDefinitions()}, or null
     */
    public Hessian2Reader withClassDefinitions(int[] fieldCounts) {
        if (fieldCounts != null) {
            if (classFieldCounts == null || classFieldCounts.length < fieldCounts.length) {
                classFieldCounts = new int[Math.max(8, fieldCounts.length)];
            }
            System.arraycopy(fieldCounts, 0, classFieldCounts, 0, fieldCounts.length);
            classCount = fieldCounts.length;
        }
        return this;
    }

    /** Whether {@code b} starts a string value (any chunk form). */
    static boolean isStringTag(int b) {
        return b <= 0x1f || (b >= 0x30 && b <= 0x33) || b == 'R' || b == 'S';
    }

    /** Whether the next value is a string (not null). */
    public boolean nextIsString() {
        return pos < end && isStringTag(buf.getUnsignedByte(pos));
    }

    /** Whether the next value is null ('N'). */
    public boolean nextIsNull() {
        return pos < end && buf.getUnsignedByte(pos) == 'N';
    }

    /**
     * Reads a string value, or null for 'N'.
     *
     * @throws BodyFormatException if the next value is not a string or is malformed
     */
    public String readString() {
        int tag = u8();
        if (tag == 'N') {
            return null;
        }
        int n = 0;
        boolean last;
        do {
            int len;
            if (tag <= 0x1f) {
                len = tag;
                last = true;
            } else if (tag >= 0x30 && tag <= 0x33) {
                len = ((tag - 0x30) << 8) | u8();
                last = true;
            } else if (tag == 'S' || tag == 'R') {
                len = u16();
                last = tag == 'S';
            } else {
                pos--;
                throw corrupt("expected a string, found type byte 0x" + Integer.toHexString(tag));
            }
            if (n == 0 && last && len <= end - pos) {
                String cached = strings == null ? null : strings.lookup(buf, pos, len);
                if (cached != null) {
                    pos += len;
                    return cached;
                }
                if (isAscii(len)) {
                    // fast path: one chunk of ASCII, one byte per char
                    String s = buf.toString(pos, len, StandardCharsets.ISO_8859_1);
                    pos += len;
                    if (strings != null) {
                        strings.put(s);
                    }
                    return s;
                }
            }
            n = decodeChars(len, n);
            if (!last) {
                tag = u8();
            }
        } while (!last);
        return new String(chars, 0, n);
    }

    private boolean isAscii(int len) {
        if (len > end - pos) {
            return false; // decodeChars reports the truncation
        }
        int i = 0;
        for (; len - i >= 8; i += 8) {
            if ((buf.getLong(pos + i) & NON_ASCII_BITS) != 0) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (buf.getByte(pos + i) < 0) {
                return false;
            }
        }
        return true;
    }

    private int decodeChars(int len, int n) {
        need(len); // at least one byte per char
        if (chars == null || chars.length < n + len) {
            char[] bigger = new char[Math.max(n + len, 64)];
            if (chars != null) {
                System.arraycopy(chars, 0, bigger, 0, n);
            }
            chars = bigger;
        }
        for (int i = 0; i < len; i++) {
            int b = u8();
            char c;
            if (b < 0x80) {
                c = (char) b;
            } else if ((b & 0xe0) == 0xc0) {
                c = (char) (((b & 0x1f) << 6) | (cont()));
            } else if ((b & 0xf0) == 0xe0) {
                int b1 = cont();
                int b2 = cont();
                c = (char) (((b & 0x0f) << 12) | (b1 << 6) | b2);
            } else {
                pos--;
                throw corrupt("bad UTF-8 lead byte 0x" + Integer.toHexString(b));
            }
            chars[n++] = c;
        }
        return n;
    }

    private int cont() {
        int b = u8();
        if ((b & 0xc0) != 0x80) {
            pos--;
            throw corrupt("bad UTF-8 continuation byte");
        }
        return b & 0x3f;
    }

    /** Bit 7 of each of 8 bytes: zero when all 8 are ASCII. */
    private static final long NON_ASCII_BITS = 0x8080808080808080L;

    /**
     * Skips {@code len} chars of UTF-8 (hessian2 counts string lengths in chars, so each byte
     * must be looked at). ASCII runs are skipped 8 bytes (8 chars) per read.
     */
    private void skipStringChars(int len) {
        need(len);
        int i = 0;
        while (len - i >= 8 && (buf.getLong(pos) & NON_ASCII_BITS) == 0) {
            pos += 8; // 8 ASCII bytes are 8 chars, all inside the string (need(len) checked them)
            i += 8;
        }
        for (; i < len; i++) {
            int b = u8();
            if (b < 0x80) {
                continue;
            }
            if ((b & 0xe0) == 0xc0) {
                skip(1);
            } else if ((b & 0xf0) == 0xe0) {
                skip(2);
            } else {
                pos--;
                throw corrupt("bad UTF-8 lead byte 0x" + Integer.toHexString(b));
            }
        }
    }

    /** Skips the rest of a string whose first tag byte has been read. */
    private void skipStringFrom(int tag) {
        boolean last;
        do {
            int len;
            if (tag <= 0x1f) {
                len = tag;
                last = true;
            } else if (tag >= 0x30 && tag <= 0x33) {
                len = ((tag - 0x30) << 8) | u8();
                last = true;
            } else if (tag == 'S' || tag == 'R') {
                len = u16();
                last = tag == 'S';
            } else {
                pos--;
                throw corrupt("expected a string chunk, found 0x" + Integer.toHexString(tag));
            }
            skipStringChars(len);
            if (!last) {
                tag = u8();
            }
        } while (!last);
    }

    private void skipBinaryFrom(int tag) {
        boolean last;
        do {
            int len;
            if (tag >= 0x20 && tag <= 0x2f) {
                len = tag - 0x20;
                last = true;
            } else if (tag >= 0x34 && tag <= 0x37) {
                len = ((tag - 0x34) << 8) | u8();
                last = true;
            } else if (tag == 'B' || tag == 'A') {
                len = u16();
                last = tag == 'B';
            } else {
                pos--;
                throw corrupt("expected a binary chunk, found 0x" + Integer.toHexString(tag));
            }
            skip(len);
            if (!last) {
                tag = u8();
            }
        } while (!last);
    }

    /** Reads an int in any of hessian2's int forms (used for lengths and references). */
    private int readInt() {
        int b = u8();
        if (b >= 0x80 && b <= 0xbf) {
            return b - 0x90;
        }
        if (b >= 0xc0 && b <= 0xcf) {
            return ((b - 0xc8) << 8) | u8();
        }
        if (b >= 0xd0 && b <= 0xd7) {
            return ((b - 0xd4) << 16) | u16();
        }
        if (b == 'I') {
            need(4);
            int v = buf.getInt(pos);
            pos += 4;
            return v;
        }
        pos--;
        throw corrupt("expected an int, found 0x" + Integer.toHexString(b));
    }

    private int readCount() {
        int n = readInt();
        if (n < 0 || n > end - pos) {
            throw corrupt("count " + n + " out of range");
        }
        return n;
    }

    /** A type of a typed list or map: a type-name string or an int reference to an earlier one. */
    private void skipType() {
        int b = peek();
        if (isStringTag(b)) {
            pos++;
            skipStringFrom(b);
        } else {
            readInt();
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw corrupt("values nested deeper than " + MAX_DEPTH);
        }
    }

    /**
     * Skips one value of any type, walking nested lists, maps and objects.
     *
     * @throws BodyFormatException on malformed input
     */
    public void skipValue() {
        int b = u8();
        if (b <= 0x1f || (b >= 0x30 && b <= 0x33) || b == 'R' || b == 'S') {
            skipStringFrom(b);
            return;
        }
        if ((b >= 0x20 && b <= 0x2f) || (b >= 0x34 && b <= 0x37) || b == 'A' || b == 'B') {
            skipBinaryFrom(b);
            return;
        }
        if (b >= 0x80) {
            if (b <= 0xbf || (b >= 0xd8 && b <= 0xef)) {
                return; // 1-byte int / long
            }
            if (b <= 0xcf || b >= 0xf0) {
                skip(1); // 2-byte int / long
                return;
            }
            skip(2); // 0xd0-0xd7: 3-byte int
            return;
        }
        if (b >= 0x38 && b <= 0x3f) {
            skip(2); // 3-byte long
            return;
        }
        if (b >= 0x60 && b <= 0x6f) {
            skipObject(b - 0x60);
            return;
        }
        if (b >= 0x70 && b <= 0x77) {
            enter();
            skipType();
            skipValues(b - 0x70);
            depth--;
            return;
        }
        if (b >= 0x78 && b <= 0x7f) {
            enter();
            skipValues(b - 0x78);
            depth--;
            return;
        }
        switch (b) {
            case 'N', 'T', 'F', 0x5b, 0x5c -> {
            }
            case 0x5d -> skip(1);
            case 0x5e -> skip(2);
            case 'I', 'Y', 'K', 0x5f -> skip(4);
            case 'D', 'J', 'L' -> skip(8);
            case 'Q' -> readInt();
            case 'C' -> {
                readClassDefinition();
                skipValue(); // a definition is followed by the value that uses it
            }
            case 'O' -> {
                int ref = readInt();
                skipObject(ref);
            }
            case 'H' -> {
                enter();
                skipEntries();
                depth--;
            }
            case 'M' -> {
                enter();
                skipType();
                skipEntries();
                depth--;
            }
            case 'U' -> {
                enter();
                skipType();
                skipUntilEnd();
                depth--;
            }
            case 'W' -> {
                enter();
                skipUntilEnd();
                depth--;
            }
            case 'V' -> {
                enter();
                skipType();
                skipValues(readCount());
                depth--;
            }
            case 'X' -> {
                enter();
                skipValues(readCount());
                depth--;
            }
            default -> {
                pos--;
                throw corrupt("unknown type byte 0x" + Integer.toHexString(b));
            }
        }
    }

    private void readClassDefinition() {
        int tag = u8();
        skipStringFrom(tag); // the class name: never interpreted, never loaded
        int fields = readCount();
        for (int i = 0; i < fields; i++) {
            int t = u8();
            skipStringFrom(t);
        }
        if (classFieldCounts == null) {
            classFieldCounts = new int[8];
        } else if (classCount == classFieldCounts.length) {
            int[] bigger = new int[classCount * 2];
            System.arraycopy(classFieldCounts, 0, bigger, 0, classCount);
            classFieldCounts = bigger;
        }
        classFieldCounts[classCount++] = fields;
    }

    private void skipObject(int classRef) {
        if (classRef < 0 || classRef >= classCount) {
            throw corrupt("object refers to undefined class definition #" + classRef);
        }
        enter();
        skipValues(classFieldCounts[classRef]);
        depth--;
    }

    private void skipValues(int n) {
        for (int i = 0; i < n; i++) {
            skipValue();
        }
    }

    private void skipUntilEnd() {
        while (peek() != 'Z') {
            skipValue();
        }
        pos++;
    }

    private void skipEntries() {
        while (peek() != 'Z') {
            skipValue();
            skipValue();
        }
        pos++;
    }

    /**
     * Starts reading a map: consumes 'H', or 'M' and its type.
     *
     * @return false if the value is null ('N', consumed)
     * @throws BodyFormatException if the next value is not a map
     */
    public boolean beginMap() {
        int b = u8();
        if (b == 'N') {
            return false;
        }
        while (b == 'C') { // tolerate a definition before the map (not written by Dubbo)
            readClassDefinition();
            b = u8();
        }
        if (b == 'M') {
            skipType();
        } else if (b != 'H') {
            pos--;
            throw corrupt("expected a map, found type byte 0x" + Integer.toHexString(b));
        }
        return true;
    }

    /** Consumes the map end 'Z' and returns true, or returns false if an entry follows. */
    public boolean endOfMap() {
        if (peek() == 'Z') {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * Consumes the next value (a map key) and says whether it is a string equal to {@code name},
     * without building a string for the usual short ASCII keys.
     */
    public boolean matchKey(String name) {
        int tag = peek();
        int len;
        int header;
        if (tag <= 0x1f) {
            len = tag;
            header = 1;
        } else if (tag >= 0x30 && tag <= 0x33) {
            need(2);
            len = ((tag - 0x30) << 8) | buf.getUnsignedByte(pos + 1);
            header = 2;
        } else if (tag == 'S') {
            need(3);
            len = buf.getUnsignedShort(pos + 1);
            header = 3;
        } else if (tag == 'R') {
            return name.equals(readString());
        } else {
            skipValue();
            return false;
        }
        if (len != name.length()) {
            pos++;
            skipStringFrom(tag);
            return false;
        }
        need(header + (long) len);
        int start = pos + header;
        for (int i = 0; i < len; i++) {
            int b = buf.getByte(start + i);
            if (b < 0) {
                return name.equals(readString()); // non-ASCII: decode and compare
            }
            if (b != name.charAt(i)) {
                pos++;
                skipStringFrom(tag);
                return false;
            }
        }
        pos = start + len;
        return true;
    }

    /** Reads the next value if it is a string; otherwise skips it and returns null. */
    public String readStringOrSkip() {
        if (nextIsString()) {
            return readString();
        }
        skipValue();
        return null;
    }

    /**
     * Reads a map ('H' or 'M', or null 'N') and puts every entry whose key and value are both
     * strings into {@code into}; other entries are skipped.
     *
     * @return false if the value was null
     * @throws BodyFormatException if the next value is not a map or is malformed
     */
    public boolean readStringMap(Map<String, String> into) {
        int b = u8();
        if (b == 'N') {
            return false;
        }
        while (b == 'C') { // tolerate a definition before the map (not written by Dubbo)
            readClassDefinition();
            b = u8();
        }
        if (b == 'M') {
            skipType();
        } else if (b != 'H') {
            pos--;
            throw corrupt("expected a map, found type byte 0x" + Integer.toHexString(b));
        }
        enter();
        while (peek() != 'Z') {
            String key = nextIsString() ? readString() : skipAndNull();
            String value = nextIsString() ? readString() : skipAndNull();
            if (key != null && value != null) {
                into.put(key, value);
            }
        }
        pos++;
        depth--;
        return true;
    }

    private String skipAndNull() {
        skipValue();
        return null;
    }
}
