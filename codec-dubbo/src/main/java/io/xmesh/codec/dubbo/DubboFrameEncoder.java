package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.xmesh.xprotocol.codec.XFrame;

/**
 * Writes frames as their bytes: an outbound {@link XFrame} is replaced by its
 * {@link XFrame#content()}, unchanged (no re-encoding, no copy), and the frame is released.
 * Other messages (for example a {@link ByteBuf}) pass through untouched.
 *
 * <p>Ownership: the written frame is <b>transferred</b> to this handler; it hands one
 * reference of the content to the next outbound handler (ultimately the transport, which
 * releases it after writing) and releases the frame's own. Stateless and {@link Sharable}; runs
 * on the channel's event loop.
 */
@ChannelHandler.Sharable
public final class DubboFrameEncoder extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof XFrame frame) {
            ByteBuf bytes;
            try {
                bytes = frame.content().retain();
            } finally {
                frame.release();
            }
            ctx.write(bytes, promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
