package io.xmesh.codec.dubbo.internal;

/**
 * What parsing frame bodies needs, reused across the frames of one channel: the readers (reset
 * per use) and the {@link StringCache}. One per decoder, used only on the channel's event loop,
 * by one frame at a time (a parse never calls into another frame's parse).
 */
public final class ParseContext {
    private final StringCache strings = new StringCache();
    private final Hessian2Reader hessian = new Hessian2Reader(strings);
    private final JsonbReader jsonb = new JsonbReader(strings);

    /** The shared hessian2 reader; reset it before use. */
    public Hessian2Reader hessian() {
        return hessian;
    }

    /** The shared fastjson2 reader; reset it before use. */
    public JsonbReader jsonb() {
        return jsonb;
    }
}
