package io.xmesh.registry.zookeeper.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A URL in Apache Dubbo's registry form, e.g.
 * {@code dubbo://127.0.0.1:20881/interop.GreetingService?application=a&interface=interop.GreetingService&side=provider}.
 *
 * <p>Shape (what Dubbo 3.3.6 writes into ZooKeeper and what this class reads back):
 * <pre>
 *   protocol "://" [user[:password] "@"] host [":" port] "/" path ["?" key "=" value ("&amp;" key "=" value)*]
 *   host: name, IPv4, or "[" IPv6 "]"; port 0 means "none" (consumer URLs carry no port)
 * </pre>
 * Parameter values are written raw, as Dubbo does; a key or value containing {@code &}, a key containing
 * {@code =}, and any whitespace are rejected by {@link #of} because they would not read back. When
 * formatted, parameters are sorted by key (Dubbo's {@code toFullString} order). The node name in
 * ZooKeeper is the whole formatted URL passed once through {@link URLEncoder} (UTF-8), see
 * {@link #encoded()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param protocol   {@code dubbo}, {@code consumer}, {@code tri}, ...
 * @param host       host or address, without IPv6 brackets
 * @param port       port, or 0 for none
 * @param path       the path without the leading slash (normally the interface name), may be empty
 * @param parameters parameters, sorted by key, unmodifiable
 */
public record DubboUrl(String protocol, String host, int port, String path, SortedMap<String, String> parameters) {

    /** Validates and copies; use {@link #of} from outside. */
    public DubboUrl {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        if (protocol.isEmpty() || !protocol.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
            throw new IllegalArgumentException("protocol: invalid '" + protocol + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: out of range: " + port);
        }
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(parameters, "parameters")));
    }

    /**
     * Creates a URL, checking that it will format and parse back to the same value.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static DubboUrl of(String protocol, String host, int port, String path, Map<String, String> parameters) {
        checkToken("host", host, "/?&@ \t\r\n");
        checkToken("path", path, "?&#= \t\r\n");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "parameter key");
            String value = Objects.requireNonNull(e.getValue(), () -> "parameter '" + key + "' value");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("parameters: empty key");
            }
            checkToken("parameter key '" + key + "'", key, "&=#? \t\r\n");
            checkToken("parameter '" + key + "' value", value, "&# \t\r\n");
        }
        return new DubboUrl(protocol, host, port, path, new TreeMap<>(parameters));
    }

    private static void checkToken(String what, String value, String forbidden) {
        Objects.requireNonNull(value, what);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (forbidden.indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + ": must not contain '" + printable(c) + "': " + value);
            }
        }
    }

    private static String printable(char c) {
        return Character.isISOControl(c) || c == ' ' ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    /** A parameter, or {@code def} when absent. */
    public String parameter(String key, String def) {
        return parameters.getOrDefault(key, def);
    }

    /** {@code host:port}, with brackets around an IPv6 host; just the host when there is no port. */
    public String address() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 0 ? h : h + ":" + port;
    }

    /** The URL as text, parameters sorted by key. */
    public String toFullString() {
        StringBuilder sb = new StringBuilder(128).append(protocol).append("://").append(address()).append('/').append(path);
        char sep = '?';
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = '&';
        }
        return sb.toString();
    }

    /** The ZooKeeper node name: {@link #toFullString()} URL-encoded once (UTF-8). */
    public String encoded() {
        return URLEncoder.encode(toFullString(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return toFullString();
    }

    /**
     * Reads a ZooKeeper node name written by Dubbo (or by {@link #encoded()}).
     *
     * @throws IllegalArgumentException if it is not a URL of the shape above
     */
    public static DubboUrl decode(String nodeName) {
        return parse(URLDecoder.decode(nodeName, StandardCharsets.UTF_8));
    }

    /**
     * Parses the text form. Lenient where Dubbo is lenient: a parameter without {@code =} maps to
     * itself, empty segments are skipped, a fragment is ignored, user info is dropped.
     *
     * @throws IllegalArgumentException if there is no {@code protocol://}, or the port is not a number
     */
    public static DubboUrl parse(String text) {
        Objects.requireNonNull(text, "url");
        String s = text.trim();
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        TreeMap<String, String> params = new TreeMap<>();
        int q = s.indexOf('?');
        if (q >= 0) {
            for (String part : s.substring(q + 1).split("&")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                if (eq < 0) {
                    params.put(part, part);
                } else if (eq > 0) {
                    params.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            s = s.substring(0, q);
        }
        int scheme = s.indexOf("://");
        if (scheme <= 0) {
            throw new IllegalArgumentException("url: no protocol in '" + text + "'");
        }
        String protocol = s.substring(0, scheme);
        String rest = s.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String path = slash >= 0 ? rest.substring(slash + 1) : "";
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host;
        int port = 0;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("url: unclosed IPv6 address in '" + text + "'");
            }
            host = authority.substring(1, close);
            if (close + 1 < authority.length()) {
                if (authority.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("url: bad address in '" + text + "'");
                }
                port = parsePort(authority.substring(close + 2), text);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && authority.indexOf(':') == colon) {
                host = authority.substring(0, colon);
                port = parsePort(authority.substring(colon + 1), text);
            } else {
                host = authority; // no port, or a bare IPv6 address (Dubbo does not write those)
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("url: no host in '" + text + "'");
        }
        return new DubboUrl(protocol, host, port, path, params);
    }

    private static int parsePort(String p, String text) {
        try {
            int port = Integer.parseInt(p);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("url: port out of range in '" + text + "'");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("url: bad port in '" + text + "'", e);
        }
    }
}
