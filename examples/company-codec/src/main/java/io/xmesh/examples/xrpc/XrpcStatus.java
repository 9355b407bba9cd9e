package io.xmesh.examples.xrpc;

import io.xmesh.xprotocol.codec.ErrorKind;

/** xrpc response statuses (the 16-bit status field), and how xmesh's error kinds map onto them. */
public final class XrpcStatus {
    public static final int OK = 0;
    /** The request is malformed or cannot be routed as it is. */
    public static final int BAD_REQUEST = 1;
    /** No such service or method (xmesh: no route). */
    public static final int NOT_FOUND = 2;
    /** No answer in time. */
    public static final int TIMEOUT = 3;
    /** Refused because of load (rate limit, circuit breaker). */
    public static final int OVERLOADED = 4;
    /** No healthy server, connection failed or reset. */
    public static final int UNAVAILABLE = 5;
    /** A bug or unexpected state. */
    public static final int INTERNAL = 6;
    /** The service itself failed; the payload is its error message. */
    public static final int APPLICATION_ERROR = 7;
    /** Refused by policy (access control, fault injection). */
    public static final int REJECTED = 8;

    private XrpcStatus() {
    }

    /** The status xmesh answers with for {@code kind}. */
    public static int of(ErrorKind kind) {
        return switch (kind) {
            case NO_ROUTE -> NOT_FOUND;
            case NO_HEALTHY_HOST, CONNECT_FAILED, UPSTREAM_RESET -> UNAVAILABLE;
            case TIMEOUT -> TIMEOUT;
            case RATE_LIMITED, OVERLOADED -> OVERLOADED;
            case BAD_REQUEST -> BAD_REQUEST;
            case REJECTED -> REJECTED;
            // INTERNAL, and kinds added to xmesh after this plugin was built
            default -> INTERNAL;
        };
    }

    /** Whether {@code status} blames the server side (used by xmesh for outlier detection and retries). */
    public static boolean isServerError(int status) {
        return status == TIMEOUT || status == UNAVAILABLE || status == INTERNAL;
    }

    /** A short name for logs. */
    public static String name(int status) {
        return switch (status) {
            case OK -> "OK";
            case BAD_REQUEST -> "BAD_REQUEST";
            case NOT_FOUND -> "NOT_FOUND";
            case TIMEOUT -> "TIMEOUT";
            case OVERLOADED -> "OVERLOADED";
            case UNAVAILABLE -> "UNAVAILABLE";
            case INTERNAL -> "INTERNAL";
            case APPLICATION_ERROR -> "APPLICATION_ERROR";
            case REJECTED -> "REJECTED";
            default -> "STATUS_" + status;
        };
    }
}
