package io.xmesh.xprotocol.registry;

import java.util.Map;
import java.util.Objects;

/**
 * One provider of a service, as stored in or read from a registry.
 *
 * @param key        the service
 * @param host       the address consumers connect to (for a published service: xmesh's own ingress)
 * @param port       the port consumers connect to
 * @param weight     load-balancing weight (Dubbo's {@code weight} parameter, default 100)
 * @param parameters other parameters (methods, application, serialization, ...), read-only
 */
public record ServiceInstance(ServiceKey key, String host, int port, int weight, Map<String, String> parameters) {

    /** Default weight, as in Apache Dubbo. */
    public static final int DEFAULT_WEIGHT = 100;

    public ServiceInstance {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be >= 0: " + weight);
        }
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
    }

    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }
}
