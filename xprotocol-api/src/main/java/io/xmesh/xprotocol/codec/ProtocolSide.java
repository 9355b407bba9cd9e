package io.xmesh.xprotocol.codec;

/** Which end of a connection xmesh is, for {@link XProtocol#initChannel}. */
public enum ProtocolSide {
    /**
     * xmesh accepted the connection (a listener): inbound bytes are requests (and heartbeats),
     * outbound frames are responses.
     */
    SERVER,
    /**
     * xmesh opened the connection (an upstream pool): outbound frames are requests, inbound
     * bytes are responses.
     */
    CLIENT
}
