package io.xmesh.xprotocol.filter;

import io.xmesh.xprotocol.codec.ErrorKind;

import java.util.Objects;

/**
 * What a {@link StreamFilter} decided about a request.
 * {@link #CONTINUE} is a shared constant, so the common path allocates nothing.
 */
public final class FilterResult {

    /** Pass the request on to the next filter. */
    public static final FilterResult CONTINUE = new FilterResult(null, null, 0);

    private final ErrorKind error;
    private final String message;
    private final long delayNanos;

    private FilterResult(ErrorKind error, String message, long delayNanos) {
        this.error = error;
        this.message = message;
        this.delayNanos = delayNanos;
    }

    /** Stop here and answer the client with the protocol's error reply for {@code error}. */
    public static FilterResult reject(ErrorKind error, String message) {
        return new FilterResult(Objects.requireNonNull(error, "error"), Objects.requireNonNull(message, "message"), 0);
    }

    /** Hold the request for {@code delayNanos} (without blocking the loop), then continue. */
    public static FilterResult delay(long delayNanos) {
        if (delayNanos <= 0) {
            throw new IllegalArgumentException("delay must be positive");
        }
        return new FilterResult(null, null, delayNanos);
    }

    /** Whether the request goes on. */
    public boolean isContinue() {
        return error == null;
    }

    /** The error to answer with, or null. */
    public ErrorKind error() {
        return error;
    }

    /** The message of the error reply, or null. */
    public String message() {
        return message;
    }

    /** Delay before continuing, in nanoseconds; 0 for none. */
    public long delayNanos() {
        return delayNanos;
    }
}
