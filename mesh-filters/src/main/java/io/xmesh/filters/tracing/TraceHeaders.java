package io.xmesh.filters.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parsing of the trace context headers xmesh understands. Pure functions; any thread.
 *
 * <ul>
 *   <li>W3C Trace Context {@code traceparent}: {@code version-traceid(32 hex)-parentid(16 hex)-flags(2 hex)},
 *       lower-case hex; version {@code ff}, an all-zero trace or parent id are invalid; version 00 has exactly
 *       these four fields, later versions may append more after a {@code -}.</li>
 *   <li>Zipkin B3 single header {@code b3}: {@code traceid-spanid[-sampled[-parentspanid]]} with 16 or 32 hex
 *       trace ids; a lone sampling flag ({@code 0}, {@code 1}, {@code d}) carries no trace id.</li>
 *   <li>Zipkin B3 multi headers: {@code X-B3-TraceId} of 16 or 32 hex.</li>
 *   <li>Apache SkyWalking {@code sw8}: eight {@code -}-separated fields, the second the Base64 trace id.</li>
 * </ul>
 */
final class TraceHeaders {

    private TraceHeaders() {
    }

    /** The trace id of a valid {@code traceparent}, or null. */
    static String traceparentTraceId(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
            return null;
        }
        if (!isLowerHex(v, 0, 2) || v.startsWith("ff")) {
            return null;
        }
        if (v.startsWith("00") && v.length() != 55) {
            return null;
        }
        if (v.length() > 55 && v.charAt(55) != '-') {
            return null;
        }
        if (!isLowerHex(v, 3, 35) || !isLowerHex(v, 36, 52) || !isLowerHex(v, 53, 55)) {
            return null;
        }
        if (isAllZero(v, 3, 35) || isAllZero(v, 36, 52)) {
            return null;
        }
        return v.substring(3, 35);
    }

    /** The trace id of a {@code b3} single header, or null (also for a lone sampling flag). */
    static String b3TraceId(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        int dash = v.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String id = v.substring(0, dash).toLowerCase(java.util.Locale.ROOT);
        int second = v.indexOf('-', dash + 1);
        String span = second < 0 ? v.substring(dash + 1) : v.substring(dash + 1, second);
        if (span.length() != 16 || !isHex(span)) {
            return null;
        }
        return validB3Id(id) ? id : null;
    }

    /** The trace id of an {@code X-B3-TraceId} header, or null. */
    static String b3MultiTraceId(String value) {
        if (value == null) {
            return null;
        }
        String id = value.trim().toLowerCase(java.util.Locale.ROOT);
        return validB3Id(id) ? id : null;
    }

    /** The decoded trace id of a {@code sw8} header, or null. */
    static String sw8TraceId(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.trim().split("-", -1);
        if (parts.length != 8 || !(parts[0].equals("0") || parts[0].equals("1")) || parts[1].isEmpty()) {
            return null;
        }
        try {
            String id = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            if (id.isEmpty() || id.length() > 128) {
                return null;
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    return null;
                }
            }
            return id;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean validB3Id(String id) {
        return (id.length() == 16 || id.length() == 32) && isHex(id) && !isAllZero(id, 0, id.length());
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
