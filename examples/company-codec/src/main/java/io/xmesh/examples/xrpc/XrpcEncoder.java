package io.xmesh.examples.xrpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.XFrame;

/**
 * Writes {@link XrpcFrame}s: their bytes are already the wire format (with any request-id
 * rewrite applied in place), so the frame's buffer is handed to the transport as it is.
 * Buffers pass through untouched. One instance per connection; runs on its event loop.
 */
final class XrpcEncoder extends ChannelOutboundHandlerAdapter {

    /**
     * @param msg an {@link XrpcFrame}, <b>ownership transferred</b>: its reference moves to the
     *            transport, which releases it once written
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof XrpcFrame frame) {
            ctx.write(frame.content(), promise);
        } else if (msg instanceof XFrame other) {
            String protocol = other.protocol();
            ReferenceCountUtil.release(other);
            promise.setFailure(new CodecException("xrpc: cannot write a " + protocol + " frame"));
        } else {
            ctx.write(msg, promise);
        }
    }
}
