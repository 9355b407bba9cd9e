package io.xmesh.xprotocol.codec;

/**
 * Typed failure of a codec. A codec's decoder fires it through the pipeline
 * ({@code fireExceptionCaught}) or throws it from a decode method.
 *
 * <p>{@link #requestId()} is set when the frame header was readable, so the proxy can answer
 * that request with an error reply; {@link #isFatal()} says whether the byte stream can no
 * longer be trusted and the connection must be closed.
 */
public class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Marker for "no request id known". */
    public static final long NO_REQUEST_ID = Long.MIN_VALUE;

    private final long requestId;
    private final boolean fatal;

    /** A fatal error with no known request id. */
    public CodecException(String message) {
        this(message, NO_REQUEST_ID, true, null);
    }

    /**
     * @param message   what is wrong, for logs and error replies
     * @param requestId the request id of the offending frame, or {@link #NO_REQUEST_ID}
     * @param fatal     true when the connection must be closed
     * @param cause     underlying cause, may be null
     */
    public CodecException(String message, long requestId, boolean fatal, Throwable cause) {
        super(message, cause);
        this.requestId = requestId;
        this.fatal = fatal;
    }

    /** The request id of the offending frame, or {@link #NO_REQUEST_ID}. */
    public long requestId() {
        return requestId;
    }

    /** Whether the request id is known. */
    public boolean hasRequestId() {
        return requestId != NO_REQUEST_ID;
    }

    /** True when the stream cannot be trusted any more and the connection must be closed. */
    public boolean isFatal() {
        return fatal;
    }
}
