package io.xmesh.xprotocol.codec;

/** What a decoded {@link XFrame} is. */
public enum FrameKind {
    /** A request that expects a response. */
    REQUEST,
    /** A request that expects no response (Dubbo two-way bit clear). Never retried. */
    ONEWAY,
    /** A response to a request with the same request id. */
    RESPONSE,
    /** A keep-alive request; xmesh answers it itself with {@link XProtocol#heartbeatReply}. */
    HEARTBEAT,
    /** The answer to a heartbeat. */
    HEARTBEAT_REPLY,
    /**
     * A continuation of the message (request or response) with the same request id whose
     * head frame had {@link XFrame#endOfStream()} false: for example an HTTP body chunk.
     */
    DATA
}
