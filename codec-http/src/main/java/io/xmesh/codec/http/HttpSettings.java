package io.xmesh.codec.http;

import io.xmesh.xprotocol.codec.CodecOptions;

import java.util.Locale;
import java.util.Map;

/**
 * The HTTP codec's settings, read from {@link CodecOptions#settings()} (listener settings for the
 * {@code SERVER} side, cluster settings for the {@code CLIENT} side). Every limit has a default,
 * so nothing is unbounded. Values may be numbers, booleans or strings (as YAML gives them).
 * See {@code docs/http.md} for the behaviour behind each setting.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>side</th><th>meaning</th></tr>
 *   <tr><td>{@code max-initial-line-length}</td><td>8192</td><td>both</td><td>request/status line; 414 beyond</td></tr>
 *   <tr><td>{@code max-header-size}</td><td>16384</td><td>both</td><td>all header lines together; 431 beyond</td></tr>
 *   <tr><td>{@code max-header-count}</td><td>100</td><td>server</td><td>header fields; 431 beyond</td></tr>
 *   <tr><td>{@code max-body-size}</td><td>67108864</td><td>server</td><td>request body bytes; 413 beyond</td></tr>
 *   <tr><td>{@code max-chunk-size}</td><td>65536</td><td>both</td><td>largest DATA frame the decoder emits</td></tr>
 *   <tr><td>{@code header-read-timeout-ms}</td><td>10000</td><td>server</td><td>first byte to end of head; 408 beyond</td></tr>
 *   <tr><td>{@code idle-timeout-ms}</td><td>60000</td><td>server</td><td>nothing read or answered: close an idle
 *       connection, or 408 while a body is being read</td></tr>
 *   <tr><td>{@code max-pipelined-requests}</td><td>16</td><td>both</td><td>requests awaiting their response
 *       before reading pauses (server) or further request writes are refused (client)</td></tr>
 *   <tr><td>{@code max-reorder-buffer-bytes}</td><td>4194304</td><td>server</td><td>bytes of responses held back
 *       for pipelining order; the connection is closed beyond</td></tr>
 *   <tr><td>{@code via}</td><td>xmesh</td><td>both</td><td>pseudonym in the added {@code Via}; empty: no Via</td></tr>
 *   <tr><td>{@code x-forwarded-for}</td><td>true</td><td>server</td><td>append the client address</td></tr>
 *   <tr><td>{@code x-forwarded-proto}</td><td>http</td><td>server</td><td>value set (overwriting the client's);
 *       empty: leave as received</td></tr>
 *   <tr><td>{@code host-rewrite}</td><td>(none)</td><td>client</td><td>Host sent upstream</td></tr>
 * </table>
 */
record HttpSettings(int maxInitialLineLength, int maxHeaderSize, int maxHeaderCount, long maxBodySize,
                    int maxChunkSize, long headerReadTimeoutMillis, long idleTimeoutMillis,
                    int maxPipelinedRequests, long maxReorderBufferBytes, String via, boolean xForwardedFor,
                    String xForwardedProto, String hostRewrite) {

    HttpSettings {
        positive("max-initial-line-length", maxInitialLineLength);
        positive("max-header-size", maxHeaderSize);
        positive("max-header-count", maxHeaderCount);
        positive("max-body-size", maxBodySize);
        positive("max-chunk-size", maxChunkSize);
        positive("header-read-timeout-ms", headerReadTimeoutMillis);
        positive("idle-timeout-ms", idleTimeoutMillis);
        positive("max-pipelined-requests", maxPipelinedRequests);
        positive("max-reorder-buffer-bytes", maxReorderBufferBytes);
    }

    /** Reads the settings, with defaults for absent keys. Throws IllegalArgumentException on a bad value. */
    static HttpSettings from(CodecOptions options) {
        Map<String, Object> s = options.settings();
        String hostRewrite = string(s, "host-rewrite", "");
        return new HttpSettings(
                (int) number(s, "max-initial-line-length", 8192),
                (int) number(s, "max-header-size", 16384),
                (int) number(s, "max-header-count", 100),
                number(s, "max-body-size", 64L * 1024 * 1024),
                (int) number(s, "max-chunk-size", 64 * 1024),
                number(s, "header-read-timeout-ms", 10_000),
                number(s, "idle-timeout-ms", 60_000),
                (int) number(s, "max-pipelined-requests", 16),
                number(s, "max-reorder-buffer-bytes", 4L * 1024 * 1024),
                string(s, "via", "xmesh"),
                bool(s, "x-forwarded-for", true),
                string(s, "x-forwarded-proto", "http"),
                hostRewrite.isEmpty() ? null : hostRewrite);
    }

    private static long number(Map<String, Object> s, String key, long def) {
        Object v = s.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("http setting " + key + " is not a number: " + v, e);
        }
    }

    private static boolean bool(Map<String, Object> s, String key, boolean def) {
        Object v = s.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String t = v.toString().trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("http setting " + key + " is not a boolean: " + v);
    }

    private static String string(Map<String, Object> s, String key, String def) {
        Object v = s.get(key);
        return v == null ? def : v.toString().trim();
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException("http setting " + key + " must be positive: " + v);
        }
    }
}
