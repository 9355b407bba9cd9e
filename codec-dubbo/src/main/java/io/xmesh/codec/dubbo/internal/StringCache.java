package io.xmesh.codec.dubbo.internal;

import io.netty.buffer.ByteBuf;

/**
 * A small per-connection cache of short ASCII strings read from frames (service names, methods,
 * versions, attachment values), so that a connection that sends the same routing fields again
 * and again gets the same {@link String} instances back instead of allocating new ones.
 *
 * <p>Direct-mapped: a slot is picked from the length and three bytes of the string; a lookup
 * compares the candidate with the bytes (one pass); a miss overwrites the slot. Only ASCII
 * strings of at most {@link #MAX_LENGTH} chars are kept, so a hit is exactly the string the bytes
 * encode in hessian2 (UTF-8) and in JSONB (ISO-8859-1) alike. Bounded: {@link #SLOTS} strings.
 * Not thread-safe: one per channel, used on its event loop.
 */
public final class StringCache {
    /** Number of slots. */
    public static final int SLOTS = 256;
    /** Longest string cached. */
    public static final int MAX_LENGTH = 128;

    private final String[] slots = new String[SLOTS];

    private static int slot(int len, int first, int mid, int last) {
        int h = len * 0x9E3779B1 + first * 31 * 31 + mid * 31 + last;
        return (h ^ (h >>> 15)) & (SLOTS - 1);
    }

    /**
     * The cached string equal to the {@code len} bytes at {@code index}, read as ASCII, or null.
     *
     * @param buf <b>borrowed</b>
     */
    public String lookup(ByteBuf buf, int index, int len) {
        if (len == 0) {
            return "";
        }
        if (len > MAX_LENGTH) {
            return null;
        }
        String s = slots[slot(len, buf.getByte(index), buf.getByte(index + (len >> 1)), buf.getByte(index + len - 1))];
        if (s == null || s.length() != len) {
            return null;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != buf.getByte(index + i)) {
                return null;
            }
        }
        return s;
    }

    /** Keeps {@code s} if it is short and ASCII. */
    public void put(String s) {
        int len = s.length();
        if (len == 0 || len > MAX_LENGTH) {
            return;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) >= 0x80) {
                return;
            }
        }
        slots[slot(len, (byte) s.charAt(0), (byte) s.charAt(len >> 1), (byte) s.charAt(len - 1))] = s;
    }
}
