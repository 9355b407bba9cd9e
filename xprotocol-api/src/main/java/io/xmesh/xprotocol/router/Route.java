package io.xmesh.xprotocol.router;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where a request goes: the decision of a {@link Router}.
 *
 * @param name        route name, for metrics and logs
 * @param cluster     name of the upstream cluster
 * @param timeout     time allowed for the response, from the moment the request is received
 * @param retryPolicy when to try another host
 * @param hashKey     header whose value drives consistent hashing, or null
 * @param metadata    free-form route metadata for filters, read-only
 */
public record Route(String name, String cluster, Duration timeout, RetryPolicy retryPolicy, String hashKey,
                    Map<String, String> metadata) {

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }
}
