package io.xmesh.benchmarks.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A request frame whose routing headers come from a map, so that route-matching benchmarks
 * measure the router, not a codec. Holds no buffer of its own (content is an empty constant).
 */
final class HeaderFrame implements XFrame {
    private final Map<String, String> headers;

    HeaderFrame(Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
    }

    @Override public String protocol() { return "dubbo"; }
    @Override public FrameKind kind() { return FrameKind.REQUEST; }
    @Override public long requestId() { return 1; }
    @Override public void setRequestId(long requestId) { }
    @Override public String header(String name) { return headers.get(name); }
    @Override public void forEachHeader(BiConsumer<String, String> action) { headers.forEach(action); }
    @Override public int status() { return 0; }
    @Override public boolean isServerError() { return false; }
    @Override public ReplyTemplate replyTemplate() { return null; }
    /** {@inheritDoc} An empty, unreleasable constant: borrowed, never release it. */
    @Override public ByteBuf content() { return Unpooled.EMPTY_BUFFER; }
    @Override public int refCnt() { return 1; }
    @Override public XFrame retain() { return this; }
    @Override public XFrame retain(int increment) { return this; }
    @Override public XFrame touch() { return this; }
    @Override public XFrame touch(Object hint) { return this; }
    @Override public boolean release() { return false; }
    @Override public boolean release(int decrement) { return false; }
}
