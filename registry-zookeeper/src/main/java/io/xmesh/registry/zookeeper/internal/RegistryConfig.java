package io.xmesh.registry.zookeeper.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of one registry, read from its URI.
 *
 * <pre>
 * zookeeper://host:port[,host:port...][?timeout=3000&amp;sessionTimeout=30000&amp;root=dubbo&amp;backup=host:port,...]
 * zookeeper://embedded[:port][?port=2181&amp;dataDir=/var/lib/xmesh/zk&amp;bind=127.0.0.1&amp;tickTime=2000]
 * embedded://[bind[:port]][?dataDir=...]            (same as zookeeper://embedded)
 * </pre>
 * Common parameters: {@code timeout} (connection timeout, ms), {@code sessionTimeout} (ms, the server
 * may lower it), {@code root} (top node, {@code dubbo} like Dubbo's default), {@code application} (the
 * {@code application} parameter of written URLs), {@code release} (the {@code release} parameter),
 * {@code notifyDelay} (ms listeners wait so that bursts of changes arrive as one set),
 * {@code closeTimeout} (ms {@code close()} waits for pending work), {@code repairInterval} (ms between checks that
 * every node this registry keeps still exists; 0 = off). Unknown parameters are rejected so that a
 * typo is not silently ignored.
 *
 * @param connectString      ZooKeeper connect string ({@code host:port,host:port}); for an embedded server, its
 *                           bind address and configured port (the port may be 0 until the server is started)
 * @param embedded           whether this registry runs its own ZooKeeper server
 * @param bindHost           embedded: address the server listens on
 * @param embeddedPort       embedded: port (0 = any free port)
 * @param dataDir            embedded: data directory, or null for a temporary one removed on close
 * @param tickTime           embedded: ZooKeeper tick (ms); sessions may last 2 to 20 ticks
 * @param connectionTimeoutMs connection timeout
 * @param sessionTimeoutMs   requested session timeout
 * @param root               root node path, e.g. {@code /dubbo}
 * @param application        application name written into URLs
 * @param release            {@code release} written into URLs
 * @param notifyDelayMs      coalescing delay before a listener is told about changes
 * @param closeTimeoutMs     bound on the time close() waits
 * @param repairIntervalMs   how often, while connected, every node this registry keeps is checked and re-created if
 *                           missing (e.g. deleted by an operator); 0 = never
 */
public record RegistryConfig(String connectString, boolean embedded, String bindHost, int embeddedPort, Path dataDir,
                             int tickTime, int connectionTimeoutMs, int sessionTimeoutMs, String root,
                             String application, String release, int notifyDelayMs, int closeTimeoutMs,
                             int repairIntervalMs) {

    /** Dubbo 3.3.6's default root node. */
    public static final String DEFAULT_ROOT = "/dubbo";
    /** The Dubbo release xmesh is verified against; written as {@code release} unless configured. */
    public static final String DEFAULT_RELEASE = "3.3.6";
    /** Default ZooKeeper client port. */
    public static final int DEFAULT_PORT = 2181;

    private static final Set<String> COMMON = Set.of("timeout", "sessionTimeout", "root", "application", "release",
            "notifyDelay", "closeTimeout", "repairInterval");
    private static final Set<String> REMOTE_ONLY = Set.of("backup");
    private static final Set<String> EMBEDDED_ONLY = Set.of("port", "dataDir", "bind", "tickTime");

    /**
     * Reads a registry URI.
     *
     * @param uri            the address
     * @param forceEmbedded  true for the {@code embedded} scheme
     * @throws IllegalArgumentException naming the bad part
     */
    public static RegistryConfig parse(URI uri, boolean forceEmbedded) {
        if (uri == null) {
            throw new IllegalArgumentException("registry address: missing");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String expected = forceEmbedded ? "embedded" : "zookeeper";
        if (!scheme.equals(expected)) {
            throw new IllegalArgumentException("registry address: scheme must be '" + expected + "' in " + uri);
        }
        if (uri.isOpaque()) {
            throw new IllegalArgumentException("registry address: expected " + expected + "://... but got " + uri);
        }
        Map<String, String> q = query(uri);
        String authority = uri.getRawAuthority() == null ? "" : URLDecoder.decode(uri.getRawAuthority(), StandardCharsets.UTF_8);
        boolean embedded = forceEmbedded || authority.equalsIgnoreCase("embedded")
                || authority.toLowerCase(Locale.ROOT).startsWith("embedded:");

        Set<String> allowed = new TreeSet<>(COMMON);
        allowed.addAll(embedded ? EMBEDDED_ONLY : REMOTE_ONLY);
        for (String k : q.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("registry address: unknown parameter '" + k + "' in " + uri
                        + " (known: " + String.join(", ", allowed) + ")");
            }
        }
        int timeout = intParam(q, "timeout", 3000, 1, 600_000);
        int session = intParam(q, "sessionTimeout", 30_000, 1, 3_600_000);
        int notifyDelay = intParam(q, "notifyDelay", 50, 0, 10_000);
        int closeTimeout = intParam(q, "closeTimeout", 3000, 0, 60_000);
        int repair = intParam(q, "repairInterval", 30_000, 0, 86_400_000);
        String root = q.getOrDefault("root", DEFAULT_ROOT);
        if (!root.startsWith("/")) {
            root = "/" + root;
        }
        if (root.length() > 1 && root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (root.equals("/") || root.contains("//") || root.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("registry address: root: invalid '" + q.get("root") + "'");
        }
        String application = q.getOrDefault("application", "xmesh");
        String release = q.getOrDefault("release", DEFAULT_RELEASE);

        if (embedded) {
            String bind = "127.0.0.1";
            int port = DEFAULT_PORT;
            String a = authority;
            if (!forceEmbedded) {
                a = a.length() > "embedded".length() ? a.substring("embedded".length()) : "";
                a = a.startsWith(":") ? "x" + a : "";
            }
            if (!a.isEmpty()) {
                HostPort hp = hostPort(a, DEFAULT_PORT, "registry address");
                if (forceEmbedded) {
                    bind = hp.host;
                }
                port = hp.port;
            }
            if (q.containsKey("port")) {
                port = intParam(q, "port", DEFAULT_PORT, 0, 65535);
            }
            bind = q.getOrDefault("bind", bind);
            if (bind.isEmpty()) {
                throw new IllegalArgumentException("registry address: bind: must not be empty");
            }
            int tick = intParam(q, "tickTime", 2000, 10, 60_000);
            Path dataDir = q.containsKey("dataDir") ? Path.of(q.get("dataDir")) : null;
            String connectHost = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
            return new RegistryConfig(connectHost + ":" + port, true, bind, port, dataDir, tick, timeout, session, root,
                    application, release, notifyDelay, closeTimeout, repair);
        }

        if (authority.isEmpty()) {
            throw new IllegalArgumentException("registry address: no host:port in " + uri);
        }
        StringBuilder cs = new StringBuilder();
        String servers = authority + (q.containsKey("backup") ? "," + q.get("backup") : "");
        for (String s : servers.split(",")) {
            if (s.isBlank()) {
                continue;
            }
            HostPort hp = hostPort(s.trim(), DEFAULT_PORT, "registry address");
            if (cs.length() > 0) {
                cs.append(',');
            }
            cs.append(hp.host.indexOf(':') >= 0 ? "[" + hp.host + "]" : hp.host).append(':').append(hp.port);
        }
        return new RegistryConfig(cs.toString(), false, null, 0, null, 0, timeout, session, root, application, release,
                notifyDelay, closeTimeout, repair);
    }

    /** The connect string with the actual port of a started embedded server. */
    public String connectStringFor(int actualPort) {
        String connectHost = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1" : bindHost;
        return (connectHost.indexOf(':') >= 0 ? "[" + connectHost + "]" : connectHost) + ":" + actualPort;
    }

    private record HostPort(String host, int port) {
    }

    private static HostPort hostPort(String s, int defPort, String what) {
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(what + ": unclosed '[' in '" + s + "'");
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException(what + ": bad server '" + s + "'");
                }
                port = s.substring(close + 2);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0) {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            } else {
                host = s;
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(what + ": empty host in '" + s + "'");
        }
        int p = defPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": bad port '" + port + "' in '" + s + "'", e);
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(what + ": port out of range in '" + s + "'");
            }
        }
        return new HostPort(host, p);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            if (q.put(k, v) != null) {
                throw new IllegalArgumentException("registry address: parameter '" + k + "' given twice in " + uri);
            }
        }
        return q;
    }

    private static int intParam(Map<String, String> q, String key, int def, int min, int max) {
        String v = q.get(key);
        if (v == null) {
            return def;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("registry address: " + key + ": not a number: '" + v + "'", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("registry address: " + key + ": must be in [" + min + ", " + max + "]: " + n);
        }
        return n;
    }
}
