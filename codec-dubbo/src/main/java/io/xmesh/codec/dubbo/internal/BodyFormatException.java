package io.xmesh.codec.dubbo.internal;

/**
 * A body that does not follow its serialization's grammar (truncated, unknown type byte, length
 * out of range, nesting too deep). Thrown by the body readers and turned into a non-fatal
 * {@link io.xmesh.xprotocol.codec.CodecException} carrying the request id by
 * {@link io.xmesh.codec.dubbo.DubboFrame}. Has no stack trace: it is cheap and expected on
 * hostile input.
 */
public final class BodyFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where (offset in the frame) */
    public BodyFormatException(String message) {
        super(message, null, false, false);
    }
}
