package io.xmesh.bootstrap.config;

import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.router.RetryPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective xmesh configuration, as read from YAML by {@link ConfigLoader} (every default
 * filled in). Immutable. The reference of every key is {@code docs/configuration.md}.
 *
 * @param admin     the admin HTTP API
 * @param registry  {@code embedded}, a registry URI such as {@code zookeeper://127.0.0.1:2181}, or
 *                  null for none
 * @param engine    threading and shutdown settings
 * @param listeners where xmesh accepts connections
 * @param routes    request routing rules, in match order
 * @param clusters  upstream clusters
 */
public record XmeshConfig(AdminConfig admin, String registry, EngineSettings engine,
                          List<ListenerConfig> listeners, List<RouteConfig> routes, List<ClusterConfig> clusters) {

    public XmeshConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        clusters = List.copyOf(clusters);
    }

    /** A configuration with nothing in it (admin on its defaults). */
    public static XmeshConfig empty() {
        return new XmeshConfig(AdminConfig.DEFAULT, null, EngineSettings.DEFAULT, List.of(), List.of(), List.of());
    }

    /**
     * @param enabled whether the admin API is started
     * @param address bind address, default 127.0.0.1
     * @param port    port, default 9901; 0 picks a free port
     */
    public record AdminConfig(boolean enabled, String address, int port) {
        public static final AdminConfig DEFAULT = new AdminConfig(true, "127.0.0.1", 9901);
    }

    /**
     * @param eventLoops      number of I/O event loops; 0 = one per available processor
     * @param transport       {@code auto} (epoll when available), {@code epoll} or {@code nio}
     * @param shutdownTimeout how long graceful shutdown waits for in-flight requests
     * @param drainQuietPeriod after in-flight requests reach zero, how long xmesh keeps existing
     *                        connections open to answer late requests before closing them
     */
    public record EngineSettings(int eventLoops, String transport, Duration shutdownTimeout, Duration drainQuietPeriod) {
        public static final EngineSettings DEFAULT = new EngineSettings(0, "auto", Duration.ofSeconds(10), Duration.ofMillis(200));
    }

    /** Whether a listener faces the local application's callers or the network. Informational for filters and metrics. */
    public enum Role {
        /** Traffic from other services into the local application. */
        INGRESS,
        /** Traffic from the local application out to other services. */
        EGRESS
    }

    /** A named plugin with its settings (a router or a filter). */
    public record PluginRef(String name, Map<String, Object> config) {
        public PluginRef {
            config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        }
    }

    /**
     * Codec settings handed to {@link io.xmesh.xprotocol.codec.XProtocol#initChannel}.
     *
     * @param maxFrameLength largest frame in bytes
     * @param settings       protocol-specific settings, passed through
     */
    public record CodecConfig(int maxFrameLength, Map<String, Object> settings) {
        public static final CodecConfig DEFAULT = new CodecConfig(CodecOptions.DEFAULT_MAX_FRAME_LENGTH, Map.of());

        public CodecConfig {
            settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        }

        public CodecOptions toOptions() {
            return new CodecOptions(maxFrameLength, settings);
        }
    }

    /**
     * A listener.
     *
     * @param name            unique name, used by routes and metrics
     * @param address         bind address (default 127.0.0.1)
     * @param port            port; 0 picks a free port (tests)
     * @param protocols       protocols accepted, tried in this order on the first bytes; {@code tcp}
     *                        may come last as a plain TCP fallback to {@code tcpCluster}
     * @param role            ingress or egress
     * @param router          a router plugin, or null for the configuration-driven header router
     * @param filters         stream filters, in order
     * @param codec           codec settings for downstream connections
     * @param tcpCluster      cluster for the {@code tcp} fallback, or null
     * @param detectTimeout   how long protocol detection waits for enough first bytes
     * @param maxConnections  most downstream connections at once (0 = unbounded)
     */
    public record ListenerConfig(String name, String address, int port, List<String> protocols, Role role,
                                 PluginRef router, List<PluginRef> filters, CodecConfig codec, String tcpCluster,
                                 Duration detectTimeout, int maxConnections) {
        public ListenerConfig {
            protocols = List.copyOf(protocols);
            filters = List.copyOf(filters);
        }
    }

    /** How a header is matched. */
    public enum MatchKind {
        EXACT, PREFIX, REGEX, PRESENT
    }

    /**
     * One header condition of a route; all conditions of a route must hold.
     *
     * @param header header name ({@code service}, {@code method}, {@code version}, {@code group},
     *               {@code :authority}, {@code :path}, or any header the codec exposes)
     * @param kind   exact, prefix, regex (whole value) or present
     * @param value  the value, prefix or regex; null for present
     * @param invert true to require the condition to fail
     */
    public record HeaderMatch(String header, MatchKind kind, String value, boolean invert) {
    }

    /**
     * A retry policy.
     *
     * @param maxRetries      tries after the first
     * @param retryOn         proxy-side failures to retry
     * @param retryOnStatuses response statuses to retry
     */
    public record RetryConfig(int maxRetries, Set<ErrorKind> retryOn, Set<Integer> retryOnStatuses) {
        /** Default: one retry on connect failure (safe: the request never left). */
        public static final RetryConfig DEFAULT = new RetryConfig(1, Set.of(ErrorKind.CONNECT_FAILED), Set.of());

        public RetryConfig {
            retryOn = Set.copyOf(retryOn);
            retryOnStatuses = Set.copyOf(retryOnStatuses);
        }

        public RetryPolicy toPolicy() {
            return new RetryPolicy(maxRetries, retryOn, retryOnStatuses);
        }
    }

    /**
     * A route.
     *
     * @param name      unique name
     * @param listeners listeners the route applies to; empty = every listener
     * @param match     header conditions, all of which must hold; empty matches everything
     * @param cluster   target cluster
     * @param timeout   time allowed for the response, from arrival of the request
     * @param retry     retry policy
     * @param hashKey   header for consistent hashing (overrides the cluster's), or null
     * @param filters   stream filters run after the listener's, for requests on this route
     * @param metadata  free-form metadata for filters
     */
    public record RouteConfig(String name, List<String> listeners, List<HeaderMatch> match, String cluster,
                              Duration timeout, RetryConfig retry, String hashKey, List<PluginRef> filters,
                              Map<String, String> metadata) {
        /** Default route timeout. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

        public RouteConfig {
            listeners = List.copyOf(listeners);
            match = List.copyOf(match);
            filters = List.copyOf(filters);
            metadata = Map.copyOf(metadata);
        }

        /** Checks regexes compile; used by the binder. */
        static String checkRegex(String regex) {
            try {
                Pattern.compile(regex);
                return null;
            } catch (java.util.regex.PatternSyntaxException e) {
                return e.getDescription() + " near index " + e.getIndex();
            }
        }
    }

    /** Load-balancing policies. */
    public enum LbPolicy {
        ROUND_ROBIN, RANDOM, LEAST_REQUEST, CONSISTENT_HASH, WEIGHTED
    }

    /**
     * Passive health checking (outlier ejection): when a host is ejected and how it comes back. See
     * {@code io.xmesh.bootstrap.cluster.OutlierDetector} and {@code docs/filters.md}.
     *
     * @param consecutiveFailures      failures in a row (resets, timeouts, server-error responses) that eject a host
     * @param baseEjectionTime         first ejection time; doubles with every ejection in a row
     * @param maxEjectionTime          cap of the ejection time
     * @param ejectOnConnectFailure    whether one connect failure ejects at once (default true)
     * @param errorRatePercent         failure share over an {@code interval} that ejects, 0..100 (default 0: off)
     * @param errorRateMinimumRequests requests a host needs in an interval to be judged by its error rate
     * @param interval                 the error-rate window
     * @param maxEjectionPercent       most hosts of the cluster ejected at once, in percent; one host may always
     *                                 be ejected (default 100)
     */
    public record EjectionConfig(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
                                 boolean ejectOnConnectFailure, int errorRatePercent, int errorRateMinimumRequests,
                                 Duration interval, int maxEjectionPercent) {
        public static final EjectionConfig DEFAULT = new EjectionConfig(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

        /** Consecutive-failure ejection only, with the defaults for everything else. */
        public EjectionConfig(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime) {
            this(consecutiveFailures, baseEjectionTime, maxEjectionTime, true, 0, 20, Duration.ofSeconds(10), 100);
        }
    }

    /**
     * Cluster-wide circuit-breaker limits (all hosts and event loops together); over a limit a request is refused
     * at once with {@code OVERLOADED}. See {@code io.xmesh.bootstrap.cluster.CircuitBreaker}.
     *
     * @param maxConnections     upstream connections open or opening
     * @param maxPendingRequests requests waiting for an upstream connection
     * @param maxRequests        requests in flight
     * @param maxRetries         requests being retried at once
     */
    public record CircuitBreakerConfig(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
        /** High limits that only stop runaway situations: 4096, 4096, 10000, 64. */
        public static final CircuitBreakerConfig DEFAULT = new CircuitBreakerConfig(4096, 4096, 10_000, 64);
    }

    /**
     * An upstream cluster.
     *
     * @param name                     unique name
     * @param protocol                 protocol spoken to the hosts
     * @param hosts                    static hosts (may be empty for clusters fed by a registry)
     * @param lb                       load-balancing policy
     * @param hashKey                  header for {@code consistent_hash}
     * @param connectTimeout           TCP connect timeout
     * @param maxConnectionsPerHost    upstream connections per host per event loop
     * @param maxPendingRequests       requests waiting for a connection, per host per event loop
     * @param maxRequestsPerConnection in-flight requests per upstream connection (multiplexing protocols)
     * @param ejection                 passive health settings
     * @param codec                    codec settings for upstream connections
     * @param circuitBreaker           cluster-wide limits
     */
    public record ClusterConfig(String name, String protocol, List<HostSpec> hosts, LbPolicy lb, String hashKey,
                                Duration connectTimeout, int maxConnectionsPerHost, int maxPendingRequests,
                                int maxRequestsPerConnection, EjectionConfig ejection, CodecConfig codec,
                                CircuitBreakerConfig circuitBreaker) {
        public ClusterConfig {
            hosts = List.copyOf(hosts);
            if (circuitBreaker == null) {
                circuitBreaker = CircuitBreakerConfig.DEFAULT;
            }
        }

        /** A cluster with the default circuit-breaker limits. */
        public ClusterConfig(String name, String protocol, List<HostSpec> hosts, LbPolicy lb, String hashKey,
                             Duration connectTimeout, int maxConnectionsPerHost, int maxPendingRequests,
                             int maxRequestsPerConnection, EjectionConfig ejection, CodecConfig codec) {
            this(name, protocol, hosts, lb, hashKey, connectTimeout, maxConnectionsPerHost, maxPendingRequests,
                    maxRequestsPerConnection, ejection, codec, CircuitBreakerConfig.DEFAULT);
        }

        /** A cluster with defaults for everything but name, protocol, hosts and policy. */
        public static ClusterConfig of(String name, String protocol, List<HostSpec> hosts, LbPolicy lb) {
            return new ClusterConfig(name, protocol, hosts, lb, null, Duration.ofSeconds(1), 1, 1024, 10_000,
                    EjectionConfig.DEFAULT, CodecConfig.DEFAULT);
        }
    }
}
