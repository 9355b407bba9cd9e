package io.xmesh.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A request frame whose routing headers come from a map and which holds no buffer: for testing
 * or benchmarking routers and filters without a codec. Reference counting is a no-op and
 * {@link #content()} is the shared empty buffer (borrowed; never release it).
 */
public record HeadersFrame(String protocol, Map<String, String> headers) implements XFrame {

    public HeadersFrame {
        headers = Map.copyOf(headers);
    }

    @Override public FrameKind kind() { return FrameKind.REQUEST; }
    @Override public long requestId() { return 1; }
    @Override public void setRequestId(long requestId) { }
    @Override public String header(String name) { return headers.get(name); }
    @Override public void forEachHeader(BiConsumer<String, String> action) { headers.forEach(action); }
    @Override public int status() { return 0; }
    @Override public boolean isServerError() { return false; }
    @Override public ReplyTemplate replyTemplate() { return null; }
    @Override public ByteBuf content() { return Unpooled.EMPTY_BUFFER; }
    @Override public int refCnt() { return 1; }
    @Override public XFrame retain() { return this; }
    @Override public XFrame retain(int increment) { return this; }
    @Override public XFrame touch() { return this; }
    @Override public XFrame touch(Object hint) { return this; }
    @Override public boolean release() { return false; }
    @Override public boolean release(int decrement) { return false; }
}
