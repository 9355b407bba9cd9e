package io.xmesh.xprotocol.codec;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Base class for frames whose reference count is that of their {@link #content()} buffer.
 * Releasing the frame releases the buffer.
 */
public abstract class AbstractXFrame implements XFrame {

    /** The frame bytes; this frame owns one reference. */
    protected final ByteBuf content;

    /**
     * @param content the frame's bytes; <b>ownership is transferred</b> to the new frame
     */
    protected AbstractXFrame(ByteBuf content) {
        this.content = Objects.requireNonNull(content, "content");
    }

    /** {@inheritDoc} <b>Borrowed</b>: do not release. */
    @Override
    public ByteBuf content() {
        return content;
    }

    @Override
    public int refCnt() {
        return content.refCnt();
    }

    @Override
    public XFrame retain() {
        content.retain();
        return this;
    }

    @Override
    public XFrame retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public XFrame touch() {
        content.touch();
        return this;
    }

    @Override
    public XFrame touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return content.release();
    }

    @Override
    public boolean release(int decrement) {
        return content.release(decrement);
    }
}
