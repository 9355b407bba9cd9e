package io.xmesh.codec.http;

import io.xmesh.xprotocol.codec.CodecException;

/**
 * A request the HTTP codec refused and answered itself (status {@link #status()}), or a response
 * it could not decode. Fired through the pipeline after the answer was written; always fatal: the
 * codec closes the connection itself.
 */
public final class HttpCodecException extends CodecException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param message   what was wrong
     * @param requestId the request's id, or {@link CodecException#NO_REQUEST_ID}
     * @param status    the HTTP status the codec answered with (0 when it answered nothing)
     */
    public HttpCodecException(String message, long requestId, int status) {
        super(message, requestId, true, null);
        this.status = status;
    }

    /** The HTTP status the codec answered with, or 0. */
    public int status() {
        return status;
    }
}
