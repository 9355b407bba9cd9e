package io.xmesh.bootstrap.config;

import java.util.Objects;

/**
 * One upstream host of a cluster: address and load-balancing weight. Written in configuration
 * as {@code host:port} or {@code host:port;weight}.
 *
 * @param host   host name or IP literal
 * @param port   TCP port, 1-65535
 * @param weight load-balancing weight, 1-10000 (default {@link #DEFAULT_WEIGHT}); 0 keeps the host
 *               known but never picked
 */
public record HostSpec(String host, int port, int weight) {

    /** Default weight, as in Apache Dubbo. */
    public static final int DEFAULT_WEIGHT = 100;

    public HostSpec {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1-65535: " + port);
        }
        if (weight < 0 || weight > 10_000) {
            throw new IllegalArgumentException("weight out of range 0-10000: " + weight);
        }
    }

    public HostSpec(String host, int port) {
        this(host, port, DEFAULT_WEIGHT);
    }

    /**
     * Parses {@code host:port[;weight]}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static HostSpec parse(String text) {
        String s = text.trim();
        int weight = DEFAULT_WEIGHT;
        int semi = s.indexOf(';');
        if (semi >= 0) {
            String w = s.substring(semi + 1).trim();
            try {
                weight = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight is not a number: '" + w + "'");
            }
            s = s.substring(0, semi).trim();
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected host:port[;weight], got '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        return new HostSpec(host, port, weight);
    }

    /** {@code host:port}. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return address() + (weight == DEFAULT_WEIGHT ? "" : ";" + weight);
    }
}
