package io.xmesh.codec.http;

import io.xmesh.xprotocol.codec.CodecException;

/**
 * A request the HTTP codec refused and answered itself (status {@link #status()}), or a response
 * it could not decode.
 *
 * <p>On the SERVER side it is fired after the codec's own answer was written, and is <em>not</em>
 * {@link #isFatal() fatal}: the codec closes the connection itself, gracefully (output shut down,
 * input drained for a moment, then close) so that the answer reaches the client; a proxy closing it
 * at once could turn the answer into a TCP reset. {@link #requestId()} is set when the request's
 * head had been passed to the proxy, which should then abandon that exchange (and must not answer
 * it: frames for it are refused). On the CLIENT side (a malformed or unsolicited response) it is
 * fatal and the codec has already closed the upstream connection.
 */
public final class HttpCodecException extends CodecException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param message   what was wrong
     * @param requestId the request's id, or {@link CodecException#NO_REQUEST_ID}
     * @param status    the HTTP status the codec answered with (0 when it answered nothing)
     * @param fatal     whether the proxy must close the connection (false when the codec does)
     */
    public HttpCodecException(String message, long requestId, int status, boolean fatal) {
        super(message, requestId, fatal, null);
        this.status = status;
    }

    /** The HTTP status the codec answered with, or 0. */
    public int status() {
        return status;
    }
}
