package io.xmesh.codec.dubbo;

/**
 * The shared {@link DubboReplyTemplate} instances, one per serialization id. Owned by one
 * {@link DubboProtocol} instance (no static state) and handed to every decoder it creates.
 * Immutable after construction, so safe to share between event loops.
 */
final class DubboReplyTemplates {
    private final DubboReplyTemplate[] byId = new DubboReplyTemplate[DubboWire.SERIALIZATION_MASK + 1];

    DubboReplyTemplates() {
        for (int i = 0; i < byId.length; i++) {
            byId[i] = new DubboReplyTemplate(i);
        }
    }

    /** The shared template for a serialization id (masked to 5 bits). */
    DubboReplyTemplate of(int serializationId) {
        return byId[serializationId & DubboWire.SERIALIZATION_MASK];
    }
}
