package io.xmesh.bootstrap.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the local discovery API ({@code /pub}, {@code /unpub}, {@code /sub}, {@code /unsub}).
 *
 * @param apiAddress       address the HTTP API binds; 127.0.0.1 so that only local applications can use it
 * @param apiPort          port of the HTTP API; 0 picks a free port (tests)
 * @param ingressListener  listener whose address is published for {@code pub}; null = the first listener with role
 *                         {@code ingress}
 * @param egressListeners  listeners that get the routes of {@code sub}; empty = every listener with role {@code egress}
 * @param advertiseHost    host written into the registry for {@code pub}; null = the ingress listener's bind address,
 *                         or, when that is a wildcard, the first non-loopback IPv4 address of the machine
 * @param appHost          where the local application listens (ingress routes lead there)
 * @param defaultAppPort   the application's port when a {@code pub} request names none (Dubbo's default 20880)
 * @param drainPeriod      after {@code unpub}: how long the ingress route keeps serving once the registration is gone
 * @param registryWait     how long a request waits for the registry before answering "accepted, pending"
 * @param routeTimeout     response timeout of the routes this API creates
 */
public record DiscoverySettings(String apiAddress, int apiPort, String ingressListener, List<String> egressListeners,
                                String advertiseHost, String appHost, int defaultAppPort, Duration drainPeriod,
                                Duration registryWait, Duration routeTimeout) {

    /** Default port of the local discovery API. */
    public static final int DEFAULT_PORT = 9902;

    /** Defaults: 127.0.0.1:9902, listeners chosen by role, app on 127.0.0.1:20880, 3 s drain, 5 s waits. */
    public static final DiscoverySettings DEFAULT = new DiscoverySettings("127.0.0.1", DEFAULT_PORT, null, List.of(),
            null, "127.0.0.1", 20880, Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(5));

    public DiscoverySettings {
        Objects.requireNonNull(apiAddress, "apiAddress");
        egressListeners = List.copyOf(egressListeners);
        Objects.requireNonNull(appHost, "appHost");
        Objects.requireNonNull(drainPeriod, "drainPeriod");
        Objects.requireNonNull(registryWait, "registryWait");
        Objects.requireNonNull(routeTimeout, "routeTimeout");
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("apiPort out of range: " + apiPort);
        }
        if (defaultAppPort < 1 || defaultAppPort > 65535) {
            throw new IllegalArgumentException("defaultAppPort out of range: " + defaultAppPort);
        }
    }

    /** A copy with another API port. */
    public DiscoverySettings withApiPort(int port) {
        return new DiscoverySettings(apiAddress, port, ingressListener, egressListeners, advertiseHost, appHost,
                defaultAppPort, drainPeriod, registryWait, routeTimeout);
    }

    /** A copy with another drain period. */
    public DiscoverySettings withDrainPeriod(Duration drain) {
        return new DiscoverySettings(apiAddress, apiPort, ingressListener, egressListeners, advertiseHost, appHost,
                defaultAppPort, drain, registryWait, routeTimeout);
    }

    /** A copy with another advertised host. */
    public DiscoverySettings withAdvertiseHost(String host) {
        return new DiscoverySettings(apiAddress, apiPort, ingressListener, egressListeners, host, appHost,
                defaultAppPort, drainPeriod, registryWait, routeTimeout);
    }
}
