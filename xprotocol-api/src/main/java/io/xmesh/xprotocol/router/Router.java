package io.xmesh.xprotocol.router;

import io.xmesh.xprotocol.codec.XFrame;

/**
 * Picks the {@link Route} of a request from its routing headers.
 *
 * <p>Called on an event loop for every request: must not block, should not allocate on the
 * common path, and must be thread-safe (one router serves every loop).
 */
@FunctionalInterface
public interface Router {

    /**
     * @param request the request, <b>borrowed</b>: read its headers, do not release or keep it
     * @param context where it came from
     * @return the route, or null when no route matches (the proxy answers
     *         {@link io.xmesh.xprotocol.codec.ErrorKind#NO_ROUTE})
     */
    Route route(XFrame request, RouteContext context);
}
