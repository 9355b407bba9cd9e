package io.xmesh.xprotocol.router;

import java.net.SocketAddress;

/** What a {@link Router} knows about where a request came from. */
public interface RouteContext {

    /** Name of the listener that received the request. */
    String listener();

    /** Protocol name of the request. */
    String protocol();

    /** Address of the downstream client. */
    SocketAddress remoteAddress();
}
