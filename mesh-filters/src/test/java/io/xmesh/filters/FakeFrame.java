package io.xmesh.filters;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A request frame for unit tests: headers in a map, no bytes. {@link #settable} decides whether
 * {@link #setHeader} works (codecs may refuse). Reference counting is a no-op (no buffer is held).
 */
public class FakeFrame implements XFrame {

    public final Map<String, String> headers = new LinkedHashMap<>();
    public final Map<String, String> setHeaders = new LinkedHashMap<>();
    public boolean settable = true;
    public String protocol = "dubbo";

    public FakeFrame header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public FrameKind kind() {
        return FrameKind.REQUEST;
    }

    @Override
    public long requestId() {
        return 1;
    }

    @Override
    public void setRequestId(long requestId) {
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        headers.forEach(action);
    }

    @Override
    public boolean setHeader(String name, String value) {
        if (!settable) {
            return false;
        }
        headers.put(name, value);
        setHeaders.put(name, value);
        return true;
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
    public ReplyTemplate replyTemplate() {
        return new ReplyTemplate() {
        };
    }

    @Override
    public ByteBuf content() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public int refCnt() {
        return 1;
    }

    @Override
    public XFrame retain() {
        return this;
    }

    @Override
    public XFrame retain(int increment) {
        return this;
    }

    @Override
    public XFrame touch() {
        return this;
    }

    @Override
    public XFrame touch(Object hint) {
        return this;
    }

    @Override
    public boolean release() {
        return false;
    }

    @Override
    public boolean release(int decrement) {
        return false;
    }
}
