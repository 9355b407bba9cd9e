package io.xmesh.xprotocol.router;

import io.xmesh.xprotocol.codec.ErrorKind;

import java.util.Objects;
import java.util.Set;

/**
 * When the proxy may send a request again to another host. Retries are bounded and never apply
 * to one-way requests.
 *
 * @param maxRetries  retries after the first try (0 = none)
 * @param retryOn     proxy-side failures that may be retried (typically {@link ErrorKind#CONNECT_FAILED},
 *                    which is safe since the request never left)
 * @param retryOnStatuses protocol response statuses that may be retried
 */
public record RetryPolicy(int maxRetries, Set<ErrorKind> retryOn, Set<Integer> retryOnStatuses) {

    /** No retries. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Set.of(), Set.of());

    /** Retry once when the connection could not be made (the request was never sent). */
    public static final RetryPolicy CONNECT_FAILURE_ONCE = new RetryPolicy(1, Set.of(ErrorKind.CONNECT_FAILED), Set.of());

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0");
        }
        retryOn = Set.copyOf(Objects.requireNonNull(retryOn, "retryOn"));
        retryOnStatuses = Set.copyOf(Objects.requireNonNull(retryOnStatuses, "retryOnStatuses"));
    }
}
