package io.xmesh.xprotocol.codec;

/**
 * Why xmesh answers a request itself. Each protocol maps a kind to its own status
 * (for example Dubbo 60/70/80/31/100, HTTP 404/502/503/504/429) in {@link XProtocol#errorReply}.
 */
public enum ErrorKind {
    /** No route matched the request. (Dubbo SERVICE_NOT_FOUND, HTTP 404.) */
    NO_ROUTE,
    /** The route's cluster has no healthy host. (Dubbo SERVICE_NOT_FOUND, HTTP 503.) */
    NO_HEALTHY_HOST,
    /** Connecting to the upstream host failed. (Dubbo SERVER_ERROR, HTTP 502.) */
    CONNECT_FAILED,
    /** The upstream connection closed or reset with the request in flight. (Dubbo SERVER_ERROR, HTTP 502.) */
    UPSTREAM_RESET,
    /** No response within the route's timeout. (Dubbo SERVER_TIMEOUT, HTTP 504.) */
    TIMEOUT,
    /** Refused by a rate limit. (Dubbo SERVER_THREADPOOL_EXHAUSTED, HTTP 429.) */
    RATE_LIMITED,
    /** Refused by a circuit breaker or another limit of the proxy. (Dubbo SERVER_THREADPOOL_EXHAUSTED, HTTP 503.) */
    OVERLOADED,
    /** The request cannot be routed as it is (e.g. a routing field that cannot be read). (Dubbo BAD_REQUEST, HTTP 400.) */
    BAD_REQUEST,
    /** Refused by a fault-injection or access-control filter. (Dubbo SERVICE_ERROR, HTTP 503 or as configured.) */
    REJECTED,
    /** A bug or unexpected state in the proxy. (Dubbo SERVER_ERROR, HTTP 500.) */
    INTERNAL
}
