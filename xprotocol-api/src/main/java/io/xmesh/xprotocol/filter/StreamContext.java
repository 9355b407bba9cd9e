package io.xmesh.xprotocol.filter;

import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.router.Route;

import java.net.SocketAddress;

/**
 * One request's journey through the proxy, as filters see it. Used on one event loop only.
 */
public interface StreamContext {

    /** Listener that received the request. */
    String listener();

    /** Protocol name. */
    String protocol();

    /** Downstream client address. */
    SocketAddress remoteAddress();

    /** The route, once routed; null before routing or when none matched. */
    Route route();

    /** The upstream host ({@code host:port}) that was tried last, or null. */
    String upstreamHost();

    /** {@link System#nanoTime()} when the request was received. */
    long startNanos();

    /** A routing header of the request (see {@link io.xmesh.xprotocol.codec.XFrame#header}), or null. */
    String requestHeader(String name);

    /** The error the proxy answered with, or null (only meaningful in {@link StreamFilter#onComplete}). */
    ErrorKind error();

    /** Response status, or 0 when there was none. */
    int responseStatus();

    /** Request bytes received, response bytes sent. */
    long requestBytes();

    /** Response bytes sent to the client. */
    long responseBytes();

    /** Per-request attribute shared between filters; null when absent. */
    Object attribute(String key);

    /** Sets a per-request attribute. */
    void attribute(String key, Object value);
}
