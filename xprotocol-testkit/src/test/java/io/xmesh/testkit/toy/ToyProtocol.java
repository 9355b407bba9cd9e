package io.xmesh.testkit.toy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.xmesh.xprotocol.codec.AbstractXFrame;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.FrameTooLargeException;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A tiny protocol used only to test the testkit itself. Its hooks let tests break it on purpose.
 * <pre>
 * 0    1    2      3           7         9             13
 * +----+----+------+-----------+---------+-------------+------------------------+
 * | 'T'| 'Y'| type | id (u32)  | status  | body length | body (service name for |
 * |    |    |      |           | (u16)   | (u32)       | requests, text else)   |
 * +----+----+------+-----------+---------+-------------+------------------------+
 * type: 1 request, 2 one-way, 3 response, 4 heartbeat, 5 heartbeat reply
 * </pre>
 */
@XmeshPlugin(name = "toy")
public class ToyProtocol implements XProtocol {
    static final int HEADER = 13;
    private static final ReplyTemplate TEMPLATE = new ReplyTemplate() { };

    public ToyProtocol() {
    }

    // --- hooks for broken variants
    protected boolean enforceLimit() {
        return true;
    }

    protected boolean waitForWholeFrame() {
        return true;
    }

    protected boolean rewriteOnWire() {
        return true;
    }

    /** True: a frame's body comes as a separate DATA frame after a head frame (like a streamed HTTP body). */
    protected boolean streamBodies() {
        return false;
    }

    /** With {@link #streamBodies()}: whether the last DATA frame says endOfStream (false is a bug). */
    protected boolean dataEndsStream() {
        return true;
    }

    /** True: throw codec errors from decode() (Netty then wraps them) instead of firing them. */
    protected boolean throwErrors() {
        return false;
    }

    protected RuntimeException badMagic() {
        return new CodecException("toy: bad magic");
    }

    @Override
    public ProtocolMatch match(ByteBuf in) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        if (n >= 1 && in.getByte(r) != 'T' || n >= 2 && in.getByte(r + 1) != 'Y') {
            return ProtocolMatch.NO_MATCH;
        }
        return n >= 2 ? ProtocolMatch.MATCH : ProtocolMatch.NEED_MORE;
    }

    @Override
    public void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options) {
        pipeline.addLast(new Decoder(side, options.maxFrameLength()), new Encoder());
    }

    @Override
    public XFrame heartbeatReply(XFrame heartbeat, ByteBufAllocator alloc) {
        return build(alloc, 5, heartbeat.requestId(), 0, "");
    }

    @Override
    public XFrame heartbeat(long requestId, ByteBufAllocator alloc) {
        return build(alloc, 4, requestId, 0, "");
    }

    @Override
    public XFrame errorReply(ReplyTemplate template, long requestId, ErrorKind error, String message,
                             ByteBufAllocator alloc) {
        return build(alloc, 3, requestId, 500 + error.ordinal(), message);
    }

    static ToyFrame build(ByteBufAllocator alloc, int type, long id, int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(HEADER + b.length);
        buf.writeByte('T').writeByte('Y').writeByte(type).writeInt((int) id).writeShort(status).writeInt(b.length).writeBytes(b);
        return new ToyFrame(buf, kind(type), true);
    }

    static FrameKind kind(int type) {
        return switch (type) {
            case 1 -> FrameKind.REQUEST;
            case 2 -> FrameKind.ONEWAY;
            case 3 -> FrameKind.RESPONSE;
            case 4 -> FrameKind.HEARTBEAT;
            case 5 -> FrameKind.HEARTBEAT_REPLY;
            default -> null;
        };
    }

    private final class Decoder extends ByteToMessageDecoder {
        private final ProtocolSide side;
        private final int limit;

        Decoder(ProtocolSide side, int limit) {
            this.side = side;
            this.limit = limit;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 2 && waitForWholeFrame()) {
                return;
            }
            int r = in.readerIndex();
            if (in.getByte(r) != 'T' || in.getByte(r + 1) != 'Y') {
                in.skipBytes(in.readableBytes());
                RuntimeException e = badMagic();
                if (e instanceof CodecException && !throwErrors()) {
                    ctx.fireExceptionCaught(e);
                    return;
                }
                throw e;
            }
            if (in.readableBytes() < HEADER && waitForWholeFrame()) {
                return;
            }
            int type = in.getByte(r + 2);
            long id = in.getUnsignedInt(r + 3);
            long length = HEADER + in.getUnsignedInt(r + 9);
            if (enforceLimit() && length > limit) {
                in.skipBytes(in.readableBytes());
                ctx.fireExceptionCaught(new FrameTooLargeException(length, limit, id));
                return;
            }
            FrameKind kind = kind(type);
            boolean inbound = side == ProtocolSide.SERVER
                    ? kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY || kind == FrameKind.HEARTBEAT
                    : kind == FrameKind.RESPONSE || kind == FrameKind.HEARTBEAT_REPLY;
            if (!inbound) {
                in.skipBytes(in.readableBytes());
                ctx.fireExceptionCaught(new CodecException("toy: frame type " + type + " not expected on the " + side + " side", id, true, null));
                return;
            }
            if (in.readableBytes() < length && waitForWholeFrame()) {
                return;
            }
            int bodyLength = (int) (length - HEADER);
            if (streamBodies() && bodyLength > 0) {
                String body = in.toString(r + HEADER, bodyLength, StandardCharsets.UTF_8);
                out.add(new ToyFrame(in.readRetainedSlice(HEADER), kind, rewriteOnWire(), false, body));
                out.add(new DataFrame(in.readRetainedSlice(bodyLength), id, dataEndsStream()));
                return;
            }
            out.add(new ToyFrame(in.readRetainedSlice((int) length), kind, rewriteOnWire()));
        }
    }

    private static final class Encoder extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof XFrame f) {
                ctx.write(f.content(), promise); // the frame's reference moves to the socket
            } else {
                ctx.write(msg, promise);
            }
        }
    }

    static final class ToyFrame extends AbstractXFrame {
        private final FrameKind kind;
        private final boolean rewriteOnWire;
        private long id;

        private final boolean endOfStream;
        private final String streamedBody;

        ToyFrame(ByteBuf content, FrameKind kind, boolean rewriteOnWire) {
            this(content, kind, rewriteOnWire, true, null);
        }

        ToyFrame(ByteBuf content, FrameKind kind, boolean rewriteOnWire, boolean endOfStream, String streamedBody) {
            super(content);
            this.kind = kind;
            this.rewriteOnWire = rewriteOnWire;
            this.endOfStream = endOfStream;
            this.streamedBody = streamedBody;
            this.id = content.getUnsignedInt(content.readerIndex() + 3);
        }

        @Override
        public boolean endOfStream() {
            return endOfStream;
        }

        @Override
        public String protocol() {
            return "toy";
        }

        @Override
        public FrameKind kind() {
            return kind;
        }

        @Override
        public long requestId() {
            return id;
        }

        @Override
        public void setRequestId(long requestId) {
            id = requestId;
            if (rewriteOnWire) {
                content.setInt(content.readerIndex() + 3, (int) requestId);
            }
        }

        private String body() {
            if (streamedBody != null) {
                return streamedBody;
            }
            int len = content.getInt(content.readerIndex() + 9);
            return content.toString(content.readerIndex() + HEADER, len, StandardCharsets.UTF_8);
        }

        @Override
        public String header(String name) {
            boolean request = kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY;
            return request && RoutingHeaders.SERVICE.equals(name) ? body() : null;
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> action) {
            if (kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY) {
                action.accept(RoutingHeaders.SERVICE, body());
            }
        }

        @Override
        public int status() {
            return content.getUnsignedShort(content.readerIndex() + 7);
        }

        @Override
        public boolean isServerError() {
            return status() >= 500;
        }

        @Override
        public ReplyTemplate replyTemplate() {
            return kind == FrameKind.REQUEST ? TEMPLATE : null;
        }
    }

    /** A continuation frame carrying (part of) a body. */
    static final class DataFrame extends AbstractXFrame {
        private long id;
        private final boolean endOfStream;

        DataFrame(ByteBuf content, long id, boolean endOfStream) {
            super(content);
            this.id = id;
            this.endOfStream = endOfStream;
        }

        @Override
        public String protocol() {
            return "toy";
        }

        @Override
        public FrameKind kind() {
            return FrameKind.DATA;
        }

        @Override
        public long requestId() {
            return id;
        }

        @Override
        public void setRequestId(long requestId) {
            id = requestId;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> action) {
        }

        @Override
        public int status() {
            return 0;
        }

        @Override
        public boolean isServerError() {
            return false;
        }

        @Override
        public boolean endOfStream() {
            return endOfStream;
        }

        @Override
        public ReplyTemplate replyTemplate() {
            return null;
        }
    }
}
