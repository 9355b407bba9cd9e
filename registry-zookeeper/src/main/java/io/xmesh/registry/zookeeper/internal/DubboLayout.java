package io.xmesh.registry.zookeeper.internal;

import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Apache Dubbo's interface-level ZooKeeper layout (as written by Dubbo 3.3.6 with
 * {@code register-mode=interface}, and read by every Dubbo 2.x/3.x consumer):
 * <pre>
 * /dubbo                                    root (configurable)
 *   /&lt;interface&gt;                            persistent, URL-encoded interface name
 *     /providers/&lt;URL-encoded provider URL&gt;  ephemeral, one per provider; group and version are URL parameters
 *     /consumers/&lt;URL-encoded consumer URL&gt;  ephemeral, one per live consumer
 *     /configurators                         persistent (override rules; not interpreted here)
 *     /routers                               persistent (routing rules; not interpreted here)
 * </pre>
 * Pure functions; thread-safe.
 */
public final class DubboLayout {

    /** The four persistent category folders Dubbo creates under each interface. */
    public static final String[] CATEGORIES = {"providers", "consumers", "configurators", "routers"};

    /** The dubbo protocol version Dubbo 2.7+ writes ({@code dubbo=2.0.2}). */
    public static final String DUBBO_PROTOCOL_VERSION = "2.0.2";

    /** Parameters derived from the instance's key; an instance's own parameters cannot override them. */
    private static final Set<String> RESERVED = Set.of("interface", "side", "group", "version", "timestamp", "category");

    private DubboLayout() {
    }

    /** {@code <root>/<encoded interface>}. */
    public static String servicePath(String root, String service) {
        return root + "/" + URLEncoder.encode(service, StandardCharsets.UTF_8);
    }

    /** {@code <root>/<encoded interface>/<category>}. */
    public static String categoryPath(String root, String service, String category) {
        return servicePath(root, service) + "/" + category;
    }

    /**
     * The URL xmesh registers for a published instance, in Dubbo 3.3.6's shape: parameters sorted; defaults
     * {@code application}, {@code deprecated=false}, {@code dubbo=2.0.2}, {@code dynamic=true},
     * {@code generic=false}, {@code release}, {@code serialization=hessian2} and {@code prefer.serialization=hessian2}
     * (the instance's parameters override these); then {@code interface}, {@code side=provider}, {@code timestamp},
     * {@code group} and {@code version} when not empty, {@code methods} sorted, {@code weight} when not 100.
     *
     * @throws IllegalArgumentException if a parameter cannot be written (see {@link DubboUrl#of})
     */
    public static DubboUrl providerUrl(ServiceInstance instance, RegistryConfig config, long timestamp) {
        ServiceKey key = instance.key();
        TreeMap<String, String> p = new TreeMap<>();
        p.put("application", config.application());
        p.put("deprecated", "false");
        p.put("dubbo", DUBBO_PROTOCOL_VERSION);
        p.put("dynamic", "true");
        p.put("generic", "false");
        p.put("release", config.release());
        p.put("serialization", "hessian2");
        p.put("prefer.serialization", "hessian2");
        Map<String, String> own = instance.parameters();
        if (own.containsKey("serialization") && !own.containsKey("prefer.serialization")) {
            p.put("prefer.serialization", own.get("serialization"));
        }
        own.forEach((k, v) -> {
            if (!RESERVED.contains(k)) {
                p.put(k, v);
            }
        });
        if (p.containsKey("methods")) {
            String methods = normalizeMethods(p.get("methods"));
            if (methods.isEmpty()) {
                p.remove("methods");
            } else {
                p.put("methods", methods);
            }
        }
        p.remove("weight");
        if (instance.weight() != ServiceInstance.DEFAULT_WEIGHT) {
            p.put("weight", Integer.toString(instance.weight()));
        }
        p.put("interface", key.service());
        p.put("side", "provider");
        p.put("timestamp", Long.toString(timestamp));
        if (!key.group().isEmpty()) {
            p.put("group", key.group());
        }
        if (!key.version().isEmpty()) {
            p.put("version", key.version());
        }
        return DubboUrl.of(key.protocol(), instance.host(), instance.port(), key.service(), p);
    }

    /**
     * The URL recorded under {@code /consumers} while a subscription is open:
     * {@code consumer://<host>/<interface>?application=..&category=consumers&check=false&dubbo=2.0.2&interface=..
     * &release=..&side=consumer&timestamp=..} plus group/version when set and the consumer's own parameters.
     */
    public static DubboUrl consumerUrl(ServiceKey key, String host, Map<String, String> consumer, RegistryConfig config,
                                       long timestamp) {
        TreeMap<String, String> p = new TreeMap<>();
        p.put("application", config.application());
        p.put("check", "false");
        p.put("dubbo", DUBBO_PROTOCOL_VERSION);
        p.put("release", config.release());
        consumer.forEach((k, v) -> {
            if (!RESERVED.contains(k) && !k.equals("host")) {
                p.put(k, v);
            }
        });
        if (p.containsKey("methods")) {
            p.put("methods", normalizeMethods(p.get("methods")));
        }
        p.put("category", "consumers");
        p.put("interface", key.service());
        p.put("side", "consumer");
        p.put("timestamp", Long.toString(timestamp));
        if (!key.group().isEmpty()) {
            p.put("group", key.group());
        }
        if (!key.version().isEmpty()) {
            p.put("version", key.version());
        }
        return DubboUrl.of("consumer", host, 0, key.service(), p);
    }

    /** Methods as Dubbo writes them: sorted, de-duplicated, comma-separated. */
    public static String normalizeMethods(String methods) {
        return Arrays.stream(methods.split(","))
                .map(String::trim)
                .filter(m -> !m.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new))
                .stream()
                .collect(Collectors.joining(","));
    }

    /**
     * Whether a provider URL found under {@code /providers} serves {@code want}, by Dubbo's consumer rules:
     * same protocol (an {@code empty://} URL never matches); interface equal; {@code category}, when present,
     * includes {@code providers}; group equal, or {@code want.group} is {@code *} or a comma list containing it;
     * version equal or {@code *} (an empty version matches only an empty one); not {@code disabled=true} and not
     * {@code enabled=false}.
     */
    public static boolean matches(ServiceKey want, DubboUrl url) {
        if (url.protocol().equals("empty") || !url.protocol().equalsIgnoreCase(want.protocol())) {
            return false;
        }
        if (!want.service().equals(url.parameter("interface", url.path()))) {
            return false;
        }
        String category = url.parameter("category", "providers");
        if (!Arrays.asList(category.split(",")).contains("providers")) {
            return false;
        }
        String group = url.parameter("group", "");
        if (!want.group().equals("*") && !want.group().equals(group)
                && !(want.group().contains(",") && Arrays.asList(want.group().split(",")).contains(group))) {
            return false;
        }
        String version = url.parameter("version", "");
        if (!want.version().equals("*") && !want.version().equals(version)) {
            return false;
        }
        if (Boolean.parseBoolean(url.parameter("disabled", "false"))) {
            return false;
        }
        return !"false".equalsIgnoreCase(url.parameter("enabled", "true"));
    }

    /**
     * The instance a matching provider URL describes: its key (from the URL's protocol, interface, group and
     * version), host, port, weight (the {@code weight} parameter; 100 when absent or not a number; negative
     * becomes 0) and all its parameters.
     *
     * @throws IllegalArgumentException if the URL has no port
     */
    public static ServiceInstance toInstance(DubboUrl url) {
        ServiceKey key = new ServiceKey(url.protocol(), url.parameter("interface", url.path()),
                url.parameter("group", ""), url.parameter("version", ""));
        int weight = ServiceInstance.DEFAULT_WEIGHT;
        String w = url.parameters().get("weight");
        if (w != null) {
            try {
                weight = Math.max(0, Integer.parseInt(w.trim()));
            } catch (NumberFormatException ignored) {
                weight = ServiceInstance.DEFAULT_WEIGHT;
            }
        }
        return new ServiceInstance(key, url.host(), url.port(), weight, url.parameters());
    }

    /** The {@code timestamp} parameter, or 0. */
    public static long timestamp(DubboUrl url) {
        try {
            return Long.parseLong(url.parameter("timestamp", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
