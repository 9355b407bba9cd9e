package io.xmesh.bootstrap.testproto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.FrameTooLargeException;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.util.List;
import java.util.Map;

/** Test-only length-prefixed protocol (see {@link LpFrame}); multiplexing like Dubbo. */
@XmeshPlugin(name = "lp", order = 900, description = "test-only length-prefixed protocol")
public class LpProtocol implements XProtocol {

    /** Status of xmesh's error replies: 100 + the error kind's ordinal. */
    public static int statusOf(ErrorKind kind) {
        return 100 + kind.ordinal();
    }

    @Override
    public ProtocolMatch match(ByteBuf b) {
        if (b.readableBytes() < 2) {
            return b.readableBytes() == 1 && b.getByte(b.readerIndex()) != 'L' ? ProtocolMatch.NO_MATCH : ProtocolMatch.NEED_MORE;
        }
        return b.getByte(b.readerIndex()) == 'L' && b.getByte(b.readerIndex() + 1) == 'P' ? ProtocolMatch.MATCH : ProtocolMatch.NO_MATCH;
    }

    @Override
    public void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options) {
        pipeline.addLast("lp-decoder", new Decoder(options.maxFrameLength()));
        pipeline.addLast("lp-encoder", new Encoder());
    }

    @Override
    public XFrame heartbeatReply(XFrame heartbeat, ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer();
        LpFrame.encode(b, FrameKind.HEARTBEAT_REPLY, 20, heartbeat.requestId(), Map.of(), "");
        return new LpFrame(b);
    }

    @Override
    public XFrame errorReply(ReplyTemplate template, long requestId, ErrorKind error, String message, ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer();
        LpFrame.encode(b, FrameKind.RESPONSE, statusOf(error), requestId, Map.of(), message);
        return new LpFrame(b);
    }

    static final class Decoder extends ByteToMessageDecoder {
        private final int max;

        Decoder(int max) {
            this.max = max;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < LpFrame.HEADER) {
                return;
            }
            int r = in.readerIndex();
            if (in.getByte(r) != 'L' || in.getByte(r + 1) != 'P') {
                in.skipBytes(in.readableBytes());
                throw new CodecException("bad magic");
            }
            long len = in.getUnsignedInt(r + 12);
            if (len + LpFrame.HEADER > max) {
                in.skipBytes(in.readableBytes());
                throw new FrameTooLargeException(len, max, in.getLong(r + 4));
            }
            if (in.readableBytes() < LpFrame.HEADER + len) {
                return;
            }
            out.add(new LpFrame(in.readRetainedSlice(LpFrame.HEADER + (int) len)));
        }
    }

    static final class Encoder extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof XFrame f) {
                ctx.write(f.content(), promise); // the frame's reference is transferred to the write
            } else {
                ctx.write(msg, promise);
            }
        }
    }
}
