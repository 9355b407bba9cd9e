package io.xmesh.codec.dubbo;

import io.xmesh.xprotocol.codec.ReplyTemplate;

/**
 * What {@link DubboProtocol#errorReply} needs to answer a Dubbo request after the request frame
 * is gone: the serialization id of the request (the reply's body is written in it).
 *
 * <p>Immutable and holding no buffer. {@link DubboProtocol} keeps one shared instance per
 * serialization id (0-31), so keeping one per in-flight request allocates nothing.
 */
public final class DubboReplyTemplate implements ReplyTemplate {
    private final int serializationId;

    DubboReplyTemplate(int serializationId) {
        if (serializationId < 0 || serializationId > DubboWire.SERIALIZATION_MASK) {
            throw new IllegalArgumentException("serialization id out of range: " + serializationId);
        }
        this.serializationId = serializationId;
    }

    /** The serialization id of the request (low 5 bits of its flag byte). */
    public int serializationId() {
        return serializationId;
    }

    @Override
    public String toString() {
        return "DubboReplyTemplate[serialization=" + serializationId + "]";
    }
}
