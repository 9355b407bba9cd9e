package io.xmesh.xprotocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;

/**
 * A protocol plugin (the XProtocol SPI): a stateless factory that recognises a protocol from the
 * first bytes of a connection, installs the per-connection codec, and builds the frames the
 * proxy sends on its own (heartbeat replies and error replies).
 *
 * <p>Register an implementation with {@code @AutoService(XProtocol.class)} and annotate it with
 * {@link io.xmesh.xprotocol.plugin.XmeshPlugin}; its name is the protocol's name in
 * configuration.
 *
 * <h2>Threading</h2>
 * One instance serves every connection, so implementations are immutable and thread-safe.
 * Every method is called on an event loop and must not block.
 *
 * <h2>The per-connection codec</h2>
 * {@link #initChannel} adds handlers to a connection's pipeline that
 * <ul>
 *   <li>turn inbound bytes into {@link XFrame} messages (requests, heartbeats and one-way
 *       requests on the {@link ProtocolSide#SERVER} side; responses and heartbeat replies on the
 *       {@link ProtocolSide#CLIENT} side), tolerating any fragmentation;</li>
 *   <li>turn outbound {@link XFrame} messages into bytes, releasing the frame;</li>
 *   <li>report malformed input as a {@link CodecException} through
 *       {@code ChannelPipeline#fireExceptionCaught}, never an unexpected exception or a leaked
 *       buffer.</li>
 * </ul>
 * The proxy's own handler is added after them.
 */
public interface XProtocol {

    /**
     * Says whether a connection whose first bytes are {@code firstBytes} speaks this protocol.
     * Used to pick a codec when one port accepts several protocols.
     *
     * @param firstBytes the bytes received so far. <b>Borrowed</b>: do not release it and do not
     *                   change its indices.
     */
    ProtocolMatch match(ByteBuf firstBytes);

    /**
     * Adds this protocol's codec handlers to a new connection's pipeline (see the class javadoc).
     * Called once per connection, on its event loop, before any byte is read.
     */
    void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options);

    /**
     * Whether many requests may be in flight on one connection and answered in any order,
     * matched by request id (Dubbo). When false (HTTP/1.1) the proxy sends one request at a
     * time on each upstream connection.
     */
    default boolean multiplexing() {
        return true;
    }

    /**
     * Builds the reply to a heartbeat received from a client.
     *
     * @param heartbeat the heartbeat, <b>borrowed</b> (the caller releases it)
     * @param alloc     allocator for the reply
     * @return a new frame of kind {@link FrameKind#HEARTBEAT_REPLY}; <b>ownership is transferred</b>
     *         to the caller
     */
    XFrame heartbeatReply(XFrame heartbeat, ByteBufAllocator alloc);

    /**
     * Builds a heartbeat request the proxy may send on an idle upstream connection, or null when
     * the protocol has none.
     *
     * @return a new frame, <b>ownership transferred</b> to the caller, or null
     */
    default XFrame heartbeat(long requestId, ByteBufAllocator alloc) {
        return null;
    }

    /**
     * Builds a frame that tells a client to send no new requests on this connection, because the
     * proxy is shutting down (for Dubbo, a READONLY event; for HTTP/2, GOAWAY), or returns null
     * when the protocol has no such frame (the default). The proxy sends it once per downstream
     * connection when draining starts and keeps the connection open for the answers to requests
     * already in flight.
     *
     * @param alloc allocator for the frame
     * @return a new frame, <b>ownership transferred</b> to the caller, or null
     */
    default XFrame goAway(ByteBufAllocator alloc) {
        return null;
    }

    /**
     * Builds the proxy's own answer to a request it cannot forward or that failed: a response
     * carrying this protocol's status for {@code error} and {@code message} as the text the
     * client shows (for Dubbo, the exception message a real Apache Dubbo consumer reports).
     *
     * @param template  the request's {@link XFrame#replyTemplate()}, or null when the request could not be
     *                  decoded (a non-fatal {@link CodecException} with a request id): then use a default
     * @param requestId the id the client used for the request
     * @param error     why the proxy answers
     * @param message   human-readable detail, starting with "xmesh: "
     * @param alloc     allocator for the reply
     * @return a new {@link FrameKind#RESPONSE} frame; <b>ownership is transferred</b> to the caller
     */
    XFrame errorReply(ReplyTemplate template, long requestId, ErrorKind error, String message,
                      ByteBufAllocator alloc);
}
