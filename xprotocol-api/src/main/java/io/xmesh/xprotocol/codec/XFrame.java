package io.xmesh.xprotocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

import java.util.function.BiConsumer;

/**
 * One decoded protocol message, as the proxy sees it: just enough to route, multiplex and
 * forward it, plus the original bytes.
 *
 * <h2>Ownership</h2>
 * A frame is {@link ReferenceCounted}; its count covers {@link #content()}. A codec's decoder
 * passes a new frame up the pipeline with a count of one, and whoever receives it owns it:
 * it releases it, or passes it on (writing it to a channel transfers ownership to that
 * channel's outbound codec, which releases it after encoding).
 *
 * <h2>Threading</h2>
 * A frame is used on the event loop of the channel that decoded it, or of the channel it is
 * written to (in xmesh these are the same loop). It is not thread-safe.
 *
 * <h2>Laziness</h2>
 * Header lookups may decode lazily and cache; a codec must never deserialize application
 * payload (arguments, bodies) to answer them, nor load a class named by the payload.
 */
public interface XFrame extends ReferenceCounted {

    /** The protocol name, as in {@link io.xmesh.xprotocol.plugin.XmeshPlugin#name()}. */
    String protocol();

    /** What this frame is. */
    FrameKind kind();

    /**
     * The request id. For protocols without ids on the wire (HTTP/1.1) the codec assigns ids
     * per connection so that the proxy can treat every protocol alike.
     */
    long requestId();

    /**
     * Sets the request id, rewriting it in place in {@link #content()} where the protocol has
     * one on the wire. Cheap: no copy of the frame.
     */
    void setRequestId(long requestId);

    /**
     * A routing header, or {@code null} when absent. See {@link RoutingHeaders} for shared names.
     *
     * @throws CodecException if the header cannot be read from this frame (e.g. corrupt body or
     *                        an unsupported serialization); not fatal to the connection
     */
    String header(String name);

    /** Calls {@code action} for every routing header this frame exposes. */
    void forEachHeader(BiConsumer<String, String> action);

    /**
     * Sets a header that is forwarded upstream with the frame (used for tracing). Codecs that
     * cannot add headers return false and leave the frame unchanged.
     *
     * @return whether the header was set
     */
    default boolean setHeader(String name, String value) {
        return false;
    }

    /** The protocol's status code for a response (Dubbo 20, HTTP 200...); 0 for requests. */
    int status();

    /**
     * Whether this response reports a failure of the upstream (not of the caller): Dubbo status
     * other than OK, HTTP 5xx. Used for outlier detection and retry decisions.
     */
    boolean isServerError();

    /**
     * False when more {@link FrameKind#DATA} frames with the same request id follow (a streamed
     * HTTP body); true for a complete message.
     */
    default boolean endOfStream() {
        return true;
    }

    /**
     * For a request: whether sending it again after it may have reached the upstream (a retry on
     * {@link ErrorKind#UPSTREAM_RESET}, {@link ErrorKind#TIMEOUT} or a retryable status) is safe.
     * The proxy must not retry a request that says false once it has been written; a retry of a
     * request that was never sent ({@link ErrorKind#CONNECT_FAILED}) is always safe. Default true
     * (RPC protocols leave the decision to the route's retry policy); HTTP answers by method
     * (RFC 9110 9.2.2: false for POST, PATCH, CONNECT and unknown methods).
     */
    default boolean idempotent() {
        return true;
    }

    /**
     * For a request: what the codec needs to answer it later with {@link XProtocol#errorReply}.
     * Never null for {@link FrameKind#REQUEST} frames.
     */
    ReplyTemplate replyTemplate();

    /**
     * The frame's encoded bytes, as received (with {@link #setRequestId} applied), ready to be
     * forwarded unchanged. <b>Borrowed</b>: valid while this frame is; do not release it.
     */
    ByteBuf content();

    @Override
    XFrame retain();

    @Override
    XFrame retain(int increment);

    @Override
    XFrame touch();

    @Override
    XFrame touch(Object hint);
}
