package io.xmesh.examples.xrpc;

import com.google.auto.service.AutoService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.nio.charset.StandardCharsets;

/**
 * The xrpc protocol plugin (frame layout: see the package documentation). Use it in xmesh's
 * configuration as {@code protocols: [xrpc]} on a listener and {@code protocol: xrpc} on a
 * cluster.
 *
 * <p>Stateless and thread-safe: one instance serves every connection. Every method runs on an
 * event loop and does not block. The constructor does nothing.
 */
@XmeshPlugin(name = XrpcProtocol.NAME, order = 500, description = "xrpc: example company RPC protocol (magic 'XR')")
@AutoService(XProtocol.class)
public final class XrpcProtocol implements XProtocol {

    /** The protocol's name in configuration. */
    public static final String NAME = "xrpc";

    /** Public no-argument constructor for the plugin loader; no side effects. */
    public XrpcProtocol() {
    }

    /**
     * MATCH once 'X', 'R' and version 1 have arrived; NO_MATCH as soon as one of them differs.
     *
     * @param firstBytes <b>borrowed</b>; only read with absolute getters, indices untouched
     */
    @Override
    public ProtocolMatch match(ByteBuf firstBytes) {
        int r = firstBytes.readerIndex();
        int n = firstBytes.readableBytes();
        if (n >= 1 && firstBytes.getByte(r) != 'X'
                || n >= 2 && firstBytes.getByte(r + 1) != 'R'
                || n >= 3 && firstBytes.getByte(r + 2) != XrpcWire.VERSION) {
            return ProtocolMatch.NO_MATCH;
        }
        return n >= 3 ? ProtocolMatch.MATCH : ProtocolMatch.NEED_MORE;
    }

    /** Adds {@code xrpc-decoder} ({@link XrpcDecoder}) and {@code xrpc-encoder} ({@link XrpcEncoder}). */
    @Override
    public void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options) {
        pipeline.addLast("xrpc-decoder", new XrpcDecoder(side, options.maxFrameLength()));
        pipeline.addLast("xrpc-encoder", new XrpcEncoder());
    }

    /** Requests carry ids and responses may come in any order. */
    @Override
    public boolean multiplexing() {
        return true;
    }

    /**
     * @param heartbeat <b>borrowed</b>
     * @return a heartbeat reply with the heartbeat's id; <b>ownership transferred</b>
     */
    @Override
    public XFrame heartbeatReply(XFrame heartbeat, ByteBufAllocator alloc) {
        return frame(alloc, XrpcWire.FLAG_RESPONSE | XrpcWire.FLAG_HEARTBEAT, heartbeat.requestId(),
                XrpcStatus.OK, null, FrameKind.HEARTBEAT_REPLY);
    }

    /** @return a heartbeat request; <b>ownership transferred</b> */
    @Override
    public XFrame heartbeat(long requestId, ByteBufAllocator alloc) {
        return frame(alloc, XrpcWire.FLAG_HEARTBEAT, requestId, XrpcStatus.OK, null, FrameKind.HEARTBEAT);
    }

    /**
     * A response with status {@link XrpcStatus#of(ErrorKind)} whose payload is {@code message}
     * in UTF-8: what an xrpc client shows as the error text.
     *
     * @return a new response frame; <b>ownership transferred</b>
     */
    @Override
    public XFrame errorReply(ReplyTemplate template, long requestId, ErrorKind error, String message,
                             ByteBufAllocator alloc) {
        return frame(alloc, XrpcWire.FLAG_RESPONSE, requestId, XrpcStatus.of(error), message, FrameKind.RESPONSE);
    }

    private static XFrame frame(ByteBufAllocator alloc, int flags, long id, int status, String message, FrameKind kind) {
        byte[] payload = message == null ? null : message.getBytes(StandardCharsets.UTF_8);
        return new XrpcFrame(XrpcWire.writeFrame(alloc, flags, id, status, "", "", payload), kind);
    }
}
