package io.xmesh.bootstrap.config;

import io.xmesh.bootstrap.config.XmeshConfig.AdminConfig;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.bootstrap.config.XmeshConfig.CodecConfig;
import io.xmesh.bootstrap.config.XmeshConfig.CircuitBreakerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.EjectionConfig;
import io.xmesh.bootstrap.config.XmeshConfig.EngineSettings;
import io.xmesh.bootstrap.config.XmeshConfig.HeaderMatch;
import io.xmesh.bootstrap.config.XmeshConfig.LbPolicy;
import io.xmesh.bootstrap.config.XmeshConfig.ListenerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.MatchKind;
import io.xmesh.bootstrap.config.XmeshConfig.PluginRef;
import io.xmesh.bootstrap.config.XmeshConfig.RetryConfig;
import io.xmesh.bootstrap.config.XmeshConfig.Role;
import io.xmesh.bootstrap.config.XmeshConfig.RouteConfig;
import io.xmesh.bootstrap.config.YamlTree.ListNode;
import io.xmesh.bootstrap.config.YamlTree.Loc;
import io.xmesh.bootstrap.config.YamlTree.MapNode;
import io.xmesh.bootstrap.config.YamlTree.Node;
import io.xmesh.bootstrap.config.YamlTree.ScalarNode;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.plugin.PluginKind;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an xmesh YAML configuration into an {@link XmeshConfig}, collecting <em>every</em> error
 * (syntax, unknown keys, wrong types, out-of-range values, dangling references, unknown plugins)
 * with file, line, column and key path, instead of stopping at the first.
 *
 * <p>Thread-safe (stateless); blocking file I/O, so never call it on an event loop.
 */
public final class ConfigLoader {

    /** Built-in pseudo-protocol for the plain TCP fallback of a listener. */
    public static final String TCP = "tcp";

    private final Function<PluginKind, Set<String>> knownPlugins;

    /**
     * @param knownPlugins plugin names per kind, to check that every named protocol, filter,
     *                     router and registry scheme exists; null to skip those checks
     */
    public ConfigLoader(Function<PluginKind, Set<String>> knownPlugins) {
        this.knownPlugins = knownPlugins;
    }

    /** A loader that does not check plugin names. */
    public ConfigLoader() {
        this(null);
    }

    /** Reads and validates a file. @throws ConfigException listing every error */
    public XmeshConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), 0, 0, "", "cannot read file: " + e.getMessage())));
        }
        return parse(file.toString(), text);
    }

    /** Reads and validates YAML text; {@code fileName} is used in error messages. */
    public XmeshConfig parse(String fileName, String yaml) {
        Node root = YamlTree.parse(fileName, yaml);
        Errors errors = new Errors();
        XmeshConfig config;
        if (root == null) {
            config = XmeshConfig.empty();
        } else if (!(root instanceof MapNode map)) {
            errors.add(root.loc(), "", "the document must be a mapping, found " + root.typeName());
            config = null;
        } else {
            config = bindRoot(new Obj(map, "", errors), errors);
        }
        if (!errors.list.isEmpty()) {
            errors.list.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
            throw new ConfigException(errors.list);
        }
        return config;
    }

    // ------------------------------------------------------------------------------------------

    static final class Errors {
        final List<ConfigError> list = new ArrayList<>();

        void add(Loc loc, String path, String message) {
            list.add(new ConfigError(loc, path, message));
        }
    }

    /** A mapping being bound: remembers which keys were asked for, to report the others. */
    static final class Obj {
        final MapNode node;
        final String path;
        final Errors errors;
        final Set<String> known = new LinkedHashSet<>();

        Obj(MapNode node, String path, Errors errors) {
            this.node = node;
            this.path = path;
            this.errors = errors;
        }

        String p(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        Node raw(String key) {
            known.add(key);
            Node n = node.entries().get(key);
            if (n instanceof ScalarNode s && s.text() == null) {
                return null;
            }
            return n;
        }

        Loc loc(String key) {
            Loc l = node.keyLocs().get(key);
            return l == null ? node.loc() : l;
        }

        void error(String key, String message) {
            Node n = node.entries().get(key);
            errors.add(n == null ? node.loc() : n.loc(), key == null ? path : p(key), message);
        }

        String str(String key, String def) {
            Node n = raw(key);
            if (n == null) {
                return def;
            }
            if (n instanceof ScalarNode s) {
                return s.text();
            }
            errors.add(n.loc(), p(key), "expected a string, found " + n.typeName());
            return def;
        }

        String reqStr(String key) {
            String s = str(key, null);
            if (s == null && !node.entries().containsKey(key)) {
                errors.add(node.loc(), p(key), "required key '" + key + "' is missing");
            } else if (s != null && s.isBlank()) {
                error(key, "must not be empty");
            }
            return s;
        }

        int integer(String key, int def, int min, int max) {
            Node n = raw(key);
            if (n == null) {
                return def;
            }
            if (n instanceof ScalarNode s) {
                try {
                    long v = Long.parseLong(s.text().trim().replace("_", ""));
                    if (v < min || v > max) {
                        errors.add(n.loc(), p(key), "must be between " + min + " and " + max + ", got " + v);
                        return def;
                    }
                    return (int) v;
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            errors.add(n.loc(), p(key), "expected an integer, found " + describe(n));
            return def;
        }

        boolean bool(String key, boolean def) {
            Node n = raw(key);
            if (n == null) {
                return def;
            }
            if (n instanceof ScalarNode s && ("true".equalsIgnoreCase(s.text()) || "false".equalsIgnoreCase(s.text()))) {
                return Boolean.parseBoolean(s.text());
            }
            errors.add(n.loc(), p(key), "expected true or false, found " + describe(n));
            return def;
        }

        Duration duration(String key, Duration def) {
            Node n = raw(key);
            if (n == null) {
                return def;
            }
            if (n instanceof ScalarNode s) {
                Duration d = parseDuration(s.text());
                if (d != null) {
                    return d;
                }
            }
            errors.add(n.loc(), p(key), "expected a duration such as 500ms, 3s, 1m (a bare number is milliseconds), found " + describe(n));
            return def;
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type, E def) {
            String s = str(key, null);
            if (s == null) {
                return def;
            }
            String norm = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(norm)) {
                    return e;
                }
            }
            error(key, "unknown value '" + s + "' (expected one of " + names(type) + ")");
            return def;
        }

        /** Items of a list, or an empty list; a scalar where a list is expected is an error. */
        List<Node> list(String key) {
            Node n = raw(key);
            if (n == null) {
                return List.of();
            }
            if (n instanceof ListNode l) {
                return l.items();
            }
            errors.add(n.loc(), p(key), "expected a list, found " + n.typeName());
            return List.of();
        }

        Obj obj(String key) {
            Node n = raw(key);
            if (n == null) {
                return null;
            }
            if (n instanceof MapNode m) {
                return new Obj(m, p(key), errors);
            }
            errors.add(n.loc(), p(key), "expected a mapping, found " + n.typeName());
            return null;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> plainMap(String key) {
            Node n = raw(key);
            if (n == null) {
                return Map.of();
            }
            if (n instanceof MapNode m) {
                return (Map<String, Object>) m.toPlain();
            }
            errors.add(n.loc(), p(key), "expected a mapping, found " + n.typeName());
            return Map.of();
        }

        /** Reports every key that no accessor asked for. Call after binding. */
        void finish() {
            for (Map.Entry<String, Loc> e : node.keyLocs().entrySet()) {
                if (!known.contains(e.getKey())) {
                    errors.add(e.getValue(), p(e.getKey()), "unknown key '" + e.getKey() + "' (known keys here: "
                            + String.join(", ", known) + ")");
                }
            }
        }
    }

    static String describe(Node n) {
        if (n instanceof ScalarNode s) {
            return s.text() == null ? "null" : "'" + s.text() + "'";
        }
        return n.typeName();
    }

    static <E extends Enum<E>> String names(Class<E> type) {
        List<String> l = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            l.add(e.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", l);
    }

    /**
     * Parses {@code 250ms}, {@code 3s}, {@code 1.5s}, {@code 2m}, {@code 1h}, or a bare number of
     * milliseconds.
     *
     * @return the duration, or null when the text is not one
     */
    public static Duration parseDuration(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.matches("\\d+")) {
                return Duration.ofMillis(Long.parseLong(s));
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|us)").matcher(s);
            if (!m.matches()) {
                return null;
            }
            double v = Double.parseDouble(m.group(1));
            double nanos = switch (m.group(2)) {
                case "us" -> v * 1e3;
                case "ms" -> v * 1e6;
                case "s" -> v * 1e9;
                case "m" -> v * 60e9;
                default -> v * 3600e9;
            };
            return Duration.ofNanos((long) nanos);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------

    private XmeshConfig bindRoot(Obj root, Errors errors) {
        AdminConfig admin = bindAdmin(root.obj("admin"));
        String registry = bindRegistry(root);
        EngineSettings engine = bindEngine(root.obj("engine"));
        List<ClusterConfig> clusters = new ArrayList<>();
        Map<String, Loc> clusterNames = new HashMap<>();
        List<Node> clusterNodes = root.list("clusters");
        for (int i = 0; i < clusterNodes.size(); i++) {
            Obj o = item(clusterNodes.get(i), root.p("clusters") + "[" + i + "]", errors);
            if (o != null) {
                ClusterConfig c = bindCluster(o);
                if (c.name() != null) {
                    if (clusterNames.putIfAbsent(c.name(), o.node.loc()) != null) {
                        o.error("name", "duplicate cluster name '" + c.name() + "'");
                    }
                    clusters.add(c);
                }
            }
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        Set<String> listenerNames = new HashSet<>();
        Set<String> bound = new HashSet<>();
        List<Node> listenerNodes = root.list("listeners");
        for (int i = 0; i < listenerNodes.size(); i++) {
            Obj o = item(listenerNodes.get(i), root.p("listeners") + "[" + i + "]", errors);
            if (o != null) {
                ListenerConfig l = bindListener(o, clusterNames);
                if (l.name() != null) {
                    if (!listenerNames.add(l.name())) {
                        o.error("name", "duplicate listener name '" + l.name() + "'");
                    }
                    if (l.port() != 0 && !bound.add(l.address() + ":" + l.port())) {
                        o.error("port", "another listener already uses " + l.address() + ":" + l.port());
                    }
                    listeners.add(l);
                }
            }
        }
        List<RouteConfig> routes = new ArrayList<>();
        Set<String> routeNames = new HashSet<>();
        List<Node> routeNodes = root.list("routes");
        for (int i = 0; i < routeNodes.size(); i++) {
            Obj o = item(routeNodes.get(i), root.p("routes") + "[" + i + "]", errors);
            if (o != null) {
                RouteConfig r = bindRoute(o, clusterNames, listenerNames);
                if (r.name() != null) {
                    if (!routeNames.add(r.name())) {
                        o.error("name", "duplicate route name '" + r.name() + "'");
                    }
                    routes.add(r);
                }
            }
        }
        root.finish();
        return new XmeshConfig(admin, registry, engine, listeners, routes, clusters);
    }

    private static Obj item(Node n, String path, Errors errors) {
        if (n instanceof MapNode m) {
            return new Obj(m, path, errors);
        }
        errors.add(n.loc(), path, "expected a mapping, found " + n.typeName());
        return null;
    }

    private AdminConfig bindAdmin(Obj o) {
        if (o == null) {
            return AdminConfig.DEFAULT;
        }
        boolean enabled = o.bool("enabled", true);
        String address = o.str("address", "127.0.0.1");
        int port = o.integer("port", 9901, 0, 65535);
        o.finish();
        return new AdminConfig(enabled, address, port);
    }

    private String bindRegistry(Obj root) {
        String r = root.str("registry", null);
        if (r == null || r.equals("none") || r.equals("embedded")) {
            return r == null || r.equals("none") ? null : r;
        }
        try {
            URI uri = new URI(r);
            if (uri.getScheme() == null) {
                root.error("registry", "expected 'embedded', 'none' or a URI such as zookeeper://127.0.0.1:2181, got '" + r + "'");
            } else if (knownPlugins != null && !knownPlugins.apply(PluginKind.REGISTRY).contains(uri.getScheme())) {
                root.error("registry", "no registry plugin for scheme '" + uri.getScheme() + "' (known: "
                        + knownPlugins.apply(PluginKind.REGISTRY) + ")");
            }
        } catch (URISyntaxException e) {
            root.error("registry", "not a valid URI: " + e.getMessage());
        }
        return r;
    }

    private EngineSettings bindEngine(Obj o) {
        if (o == null) {
            return EngineSettings.DEFAULT;
        }
        EngineSettings d = EngineSettings.DEFAULT;
        int loops = o.integer("eventLoops", d.eventLoops(), 0, 1024);
        String transport = o.str("transport", d.transport());
        if (!Set.of("auto", "epoll", "nio").contains(transport)) {
            o.error("transport", "expected auto, epoll or nio, got '" + transport + "'");
        }
        Duration shutdown = o.duration("shutdownTimeout", d.shutdownTimeout());
        Duration quiet = o.duration("drainQuietPeriod", d.drainQuietPeriod());
        o.finish();
        return new EngineSettings(loops, transport, shutdown, quiet);
    }

    private CodecConfig bindCodec(Obj parent) {
        Obj o = parent.obj("codec");
        if (o == null) {
            return CodecConfig.DEFAULT;
        }
        int max = o.integer("maxFrameLength", CodecConfig.DEFAULT.maxFrameLength(), 16, Integer.MAX_VALUE);
        Map<String, Object> settings = o.plainMap("settings");
        o.finish();
        return new CodecConfig(max, settings);
    }

    private PluginRef bindPluginRef(Node n, String path, Errors errors, PluginKind kind) {
        Obj o = item(n, path, errors);
        if (o == null) {
            return null;
        }
        String name = o.reqStr("name");
        Map<String, Object> config = o.plainMap("config");
        o.finish();
        if (name != null) {
            checkPlugin(o, "name", kind, name);
        }
        return name == null ? null : new PluginRef(name, config);
    }

    private void checkPlugin(Obj o, String key, PluginKind kind, String name) {
        if (knownPlugins != null && !knownPlugins.apply(kind).contains(name)) {
            o.error(key, "no " + kind.label() + " plugin named '" + name + "' (known: "
                    + String.join(", ", new java.util.TreeSet<>(knownPlugins.apply(kind))) + ")");
        }
    }

    private List<PluginRef> bindFilters(Obj o) {
        List<PluginRef> filters = new ArrayList<>();
        List<Node> nodes = o.list("filters");
        for (int i = 0; i < nodes.size(); i++) {
            PluginRef r = bindPluginRef(nodes.get(i), o.p("filters") + "[" + i + "]", o.errors, PluginKind.FILTER);
            if (r != null) {
                filters.add(r);
            }
        }
        return filters;
    }

    private ListenerConfig bindListener(Obj o, Map<String, Loc> clusters) {
        String name = o.reqStr("name");
        String address = o.str("address", "127.0.0.1");
        Node portNode = o.node.entries().get("port");
        int port = o.integer("port", -1, 0, 65535);
        if (portNode == null) {
            o.errors.add(o.node.loc(), o.p("port"), "required key 'port' is missing");
        }
        List<String> protocols = new ArrayList<>();
        Node pn = o.raw("protocols");
        if (pn instanceof ScalarNode s) {
            protocols.add(s.text());
        } else {
            List<Node> items = o.list("protocols");
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) instanceof ScalarNode s && s.text() != null) {
                    protocols.add(s.text());
                } else {
                    o.errors.add(items.get(i).loc(), o.p("protocols") + "[" + i + "]", "expected a protocol name");
                }
            }
        }
        if (pn == null) {
            o.errors.add(o.node.loc(), o.p("protocols"), "required key 'protocols' is missing (e.g. protocols: [dubbo])");
        } else if (protocols.isEmpty()) {
            o.error("protocols", "must list at least one protocol");
        }
        for (int i = 0; i < protocols.size(); i++) {
            String proto = protocols.get(i);
            if (TCP.equals(proto)) {
                if (i != protocols.size() - 1) {
                    o.error("protocols", "'tcp' is a fallback and must be listed last");
                }
            } else {
                checkPlugin(o, "protocols", PluginKind.PROTOCOL, proto);
            }
            if (protocols.indexOf(proto) != i) {
                o.error("protocols", "protocol '" + proto + "' is listed twice");
            }
        }
        Role role = o.enumValue("role", Role.class, Role.EGRESS);
        PluginRef router = null;
        Node rn = o.raw("router");
        if (rn != null) {
            router = bindPluginRef(rn, o.p("router"), o.errors, PluginKind.ROUTER);
        }
        List<PluginRef> filters = bindFilters(o);
        CodecConfig codec = bindCodec(o);
        String tcpCluster = o.str("tcpCluster", null);
        if (protocols.contains(TCP) && tcpCluster == null) {
            o.error("protocols", "the 'tcp' fallback needs 'tcpCluster' naming the cluster to proxy to");
        }
        if (tcpCluster != null && !clusters.containsKey(tcpCluster)) {
            o.error("tcpCluster", "unknown cluster '" + tcpCluster + "' (known: " + String.join(", ", new java.util.TreeSet<>(clusters.keySet())) + ")");
        }
        Duration detect = o.duration("detectTimeout", Duration.ofSeconds(5));
        int maxConnections = o.integer("maxConnections", 0, 0, Integer.MAX_VALUE);
        o.finish();
        return new ListenerConfig(name, address, Math.max(port, 0), protocols, role, router, filters, codec,
                tcpCluster, detect, maxConnections);
    }

    private RouteConfig bindRoute(Obj o, Map<String, Loc> clusters, Set<String> listenerNames) {
        String name = o.reqStr("name");
        List<String> listeners = new ArrayList<>();
        List<Node> ln = o.list("listeners");
        for (int i = 0; i < ln.size(); i++) {
            if (ln.get(i) instanceof ScalarNode s && s.text() != null) {
                listeners.add(s.text());
                if (!listenerNames.contains(s.text())) {
                    o.errors.add(s.loc(), o.p("listeners") + "[" + i + "]", "unknown listener '" + s.text() + "'");
                }
            } else {
                o.errors.add(ln.get(i).loc(), o.p("listeners") + "[" + i + "]", "expected a listener name");
            }
        }
        List<HeaderMatch> match = new ArrayList<>();
        Obj m = o.obj("match");
        if (m != null) {
            List<Node> headers = m.list("headers");
            for (int i = 0; i < headers.size(); i++) {
                Obj h = item(headers.get(i), m.p("headers") + "[" + i + "]", o.errors);
                if (h == null) {
                    continue;
                }
                String header = h.reqStr("name");
                String exact = h.str("exact", null);
                String prefix = h.str("prefix", null);
                String regex = h.str("regex", null);
                boolean present = h.bool("present", false);
                boolean invert = h.bool("invert", false);
                int count = (exact != null ? 1 : 0) + (prefix != null ? 1 : 0) + (regex != null ? 1 : 0) + (present ? 1 : 0);
                if (count != 1) {
                    h.error(null, "give exactly one of exact, prefix, regex or present: true");
                }
                if (regex != null) {
                    String problem = RouteConfig.checkRegex(regex);
                    if (problem != null) {
                        h.error("regex", "invalid regular expression: " + problem);
                    }
                }
                h.finish();
                if (header != null && count == 1) {
                    MatchKind kind = exact != null ? MatchKind.EXACT : prefix != null ? MatchKind.PREFIX
                            : regex != null ? MatchKind.REGEX : MatchKind.PRESENT;
                    String value = exact != null ? exact : prefix != null ? prefix : regex;
                    match.add(new HeaderMatch(header, kind, value, invert));
                }
            }
            m.finish();
        }
        String cluster = o.reqStr("cluster");
        if (cluster != null && !clusters.containsKey(cluster)) {
            o.error("cluster", "unknown cluster '" + cluster + "' (known: " + String.join(", ", new java.util.TreeSet<>(clusters.keySet())) + ")");
        }
        Duration timeout = o.duration("timeout", RouteConfig.DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            o.error("timeout", "must be positive");
        }
        RetryConfig retry = RetryConfig.DEFAULT;
        Obj r = o.obj("retry");
        if (r != null) {
            int max = r.integer("maxRetries", 1, 0, 10);
            Set<ErrorKind> on = new LinkedHashSet<>();
            List<Node> onNodes = r.list("retryOn");
            for (int i = 0; i < onNodes.size(); i++) {
                Node n = onNodes.get(i);
                String t = n instanceof ScalarNode s ? s.text() : null;
                ErrorKind k = null;
                if (t != null) {
                    try {
                        k = ErrorKind.valueOf(t.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
                    } catch (IllegalArgumentException e) {
                        k = null;
                    }
                }
                if (k == ErrorKind.CONNECT_FAILED || k == ErrorKind.UPSTREAM_RESET || k == ErrorKind.OVERLOADED) {
                    on.add(k);
                } else {
                    o.errors.add(n.loc(), r.p("retryOn") + "[" + i + "]",
                            "expected one of connect_failed, upstream_reset, overloaded (timeouts are never retried); got " + describe(n));
                }
            }
            Set<Integer> statuses = new LinkedHashSet<>();
            List<Node> st = r.list("retryOnStatuses");
            for (int i = 0; i < st.size(); i++) {
                Node n = st.get(i);
                try {
                    statuses.add(Integer.parseInt(((ScalarNode) n).text().trim()));
                } catch (RuntimeException e) {
                    o.errors.add(n.loc(), r.p("retryOnStatuses") + "[" + i + "]", "expected a status number, got " + describe(n));
                }
            }
            r.finish();
            retry = new RetryConfig(max, r.node.entries().containsKey("retryOn") ? on : RetryConfig.DEFAULT.retryOn(), statuses);
        }
        String hashKey = o.str("hashKey", null);
        List<PluginRef> filters = bindFilters(o);
        Map<String, String> metadata = new LinkedHashMap<>();
        o.plainMap("metadata").forEach((k, v) -> metadata.put(k, String.valueOf(v)));
        o.finish();
        return new RouteConfig(name, listeners, match, cluster, timeout, retry, hashKey, filters, metadata);
    }

    private ClusterConfig bindCluster(Obj o) {
        String name = o.reqStr("name");
        String protocol = o.reqStr("protocol");
        if (protocol != null && !TCP.equals(protocol)) {
            checkPlugin(o, "protocol", PluginKind.PROTOCOL, protocol);
        }
        List<HostSpec> hosts = new ArrayList<>();
        List<Node> hn = o.list("hosts");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < hn.size(); i++) {
            Node n = hn.get(i);
            String path = o.p("hosts") + "[" + i + "]";
            if (n instanceof ScalarNode s && s.text() != null) {
                try {
                    HostSpec h = HostSpec.parse(s.text());
                    if (!seen.add(h.address())) {
                        o.errors.add(n.loc(), path, "duplicate host " + h.address());
                    }
                    hosts.add(h);
                } catch (IllegalArgumentException e) {
                    o.errors.add(n.loc(), path, e.getMessage());
                }
            } else {
                o.errors.add(n.loc(), path, "expected host:port[;weight], found " + describe(n));
            }
        }
        LbPolicy lb = o.enumValue("lb", LbPolicy.class, LbPolicy.ROUND_ROBIN);
        String hashKey = o.str("hashKey", null);
        if (lb == LbPolicy.CONSISTENT_HASH && hashKey == null) {
            o.error("lb", "consistent_hash needs 'hashKey' naming the header to hash (e.g. hashKey: method)");
        }
        ClusterConfig d = ClusterConfig.of("d", "d", List.of(), LbPolicy.ROUND_ROBIN);
        Duration connect = o.duration("connectTimeout", d.connectTimeout());
        int maxConn = o.integer("maxConnectionsPerHost", d.maxConnectionsPerHost(), 1, 1024);
        int maxPending = o.integer("maxPendingRequests", d.maxPendingRequests(), 1, 1_000_000);
        int maxPerConn = o.integer("maxRequestsPerConnection", d.maxRequestsPerConnection(), 1, 1_000_000);
        EjectionConfig ej = EjectionConfig.DEFAULT;
        Obj e = o.obj("ejection");
        if (e != null) {
            ej = new EjectionConfig(e.integer("consecutiveFailures", ej.consecutiveFailures(), 1, 1_000_000),
                    e.duration("baseEjectionTime", ej.baseEjectionTime()),
                    e.duration("maxEjectionTime", ej.maxEjectionTime()),
                    e.bool("ejectOnConnectFailure", ej.ejectOnConnectFailure()),
                    e.integer("errorRatePercent", ej.errorRatePercent(), 0, 100),
                    e.integer("errorRateMinimumRequests", ej.errorRateMinimumRequests(), 1, 1_000_000),
                    e.duration("interval", ej.interval()),
                    e.integer("maxEjectionPercent", ej.maxEjectionPercent(), 0, 100));
            if (ej.baseEjectionTime().isZero() || ej.interval().isZero()) {
                e.error(ej.interval().isZero() ? "interval" : "baseEjectionTime", "must be more than 0");
            } else if (ej.maxEjectionTime().compareTo(ej.baseEjectionTime()) < 0) {
                e.error("maxEjectionTime", "must be at least baseEjectionTime (" + ej.baseEjectionTime() + ")");
            }
            e.finish();
        }
        CircuitBreakerConfig cb = CircuitBreakerConfig.DEFAULT;
        Obj b = o.obj("circuitBreaker");
        if (b != null) {
            cb = new CircuitBreakerConfig(b.integer("maxConnections", cb.maxConnections(), 0, Integer.MAX_VALUE),
                    b.integer("maxPendingRequests", cb.maxPendingRequests(), 0, Integer.MAX_VALUE),
                    b.integer("maxRequests", cb.maxRequests(), 0, Integer.MAX_VALUE),
                    b.integer("maxRetries", cb.maxRetries(), 0, Integer.MAX_VALUE));
            b.finish();
        }
        CodecConfig codec = bindCodec(o);
        o.finish();
        return new ClusterConfig(name, protocol, hosts, lb, hashKey, connect, maxConn, maxPending, maxPerConn, ej, codec, cb);
    }
}
