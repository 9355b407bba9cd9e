package io.xmesh.testapps.dubbo;

import org.apache.dubbo.common.utils.NetUtils;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real Apache Dubbo 3.3.6 providers and consumers in this JVM, each with its own {@link FrameworkModel}, set up as
 * dubbo-facts.md says: QoS off, {@code register-mode=interface}, 127.0.0.1 as Dubbo's local host, registry
 * {@code ?timeout=3000}, consumers with retries 0, {@code check=false} and a 3000 ms timeout unless told otherwise.
 * Providers pin hessian2 unless told otherwise.
 */
public final class DubboTestApps {
    private static final String MIGRATION = "dubbo.application.service-discovery.migration";

    private DubboTestApps() {
    }

    /**
     * Sets the JVM-wide Dubbo system properties (QoS off, slf4j logging) and pins Dubbo's cached local address to
     * 127.0.0.1: Dubbo rejects every 127.* address as its host and would otherwise register and connect to a LAN
     * address (dubbo-facts.md, pitfall 1). Idempotent; {@link #provider} and {@link #consumer} call it.
     */
    public static synchronized void prepareJvm() {
        System.setProperty("dubbo.application.qos-enable", "false");
        System.setProperty("dubbo.application.logger", "slf4j");
        try {
            Field local = NetUtils.class.getDeclaredField("LOCAL_ADDRESS");
            local.setAccessible(true);
            local.set(null, InetAddress.getByName("127.0.0.1"));
            Field host = NetUtils.class.getDeclaredField("HOST_ADDRESS");
            host.setAccessible(true);
            host.set(null, "127.0.0.1");
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("cannot pin Dubbo's local address to 127.0.0.1", e);
        }
    }

    /** {@link #prepareJvm()}, and providers wait at most {@code shutdownWaitMs} for calls in flight when closed. */
    public static void prepareJvm(int shutdownWaitMs) {
        System.setProperty("dubbo.service.shutdown.wait", String.valueOf(shutdownWaitMs));
        prepareJvm();
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Dubbo's registry address for a ZooKeeper connect string, with {@code ?timeout=3000}; an ensemble
     * {@code a:1,b:2,c:3} becomes {@code zookeeper://a:1?timeout=3000&backup=b:2,c:3}. Null gives no registry.
     */
    public static RegistryConfig registry(String zkConnect) {
        if (zkConnect == null) {
            return new RegistryConfig(RegistryConfig.NO_AVAILABLE);
        }
        String[] servers = zkConnect.split(",");
        String backup = servers.length > 1
                ? "&backup=" + String.join(",", Arrays.copyOfRange(servers, 1, servers.length)) : "";
        return new RegistryConfig("zookeeper://" + servers[0] + "?timeout=3000" + backup);
    }

    private static ApplicationConfig application(String name) {
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        app.setRegisterMode("interface");
        return app;
    }

    /** A provider application named {@code applicationName}; add exports, then {@link Provider#start()}. */
    public static Provider provider(String applicationName) {
        return new Provider(applicationName);
    }

    /** A consumer of {@code iface} in an application named {@code applicationName}; {@link Consumer#start()} it. */
    public static <T> Consumer<T> consumer(Class<T> iface, String applicationName) {
        return new Consumer<>(iface, applicationName);
    }

    /** Builds a provider. Defaults: a free port, no registry, hessian2 pinned, Dubbo's bind host. */
    public static final class Provider {
        private final String name;
        private final List<ServiceConfig<?>> services = new ArrayList<>();
        private int port;
        private String zkConnect;
        private String serialization = "hessian2";
        private String host;

        private Provider(String name) {
            this.name = name;
        }

        public Provider port(int port) {
            this.port = port;
            return this;
        }

        /** Registers the exports in this ZooKeeper (see {@link DubboTestApps#registry}); null: nowhere. */
        public Provider registry(String zkConnect) {
            this.zkConnect = zkConnect;
            return this;
        }

        /** Pins {@code serialization} and {@code prefer.serialization}; null keeps Dubbo's default (fastjson2 preferred). */
        public Provider serialization(String serialization) {
            this.serialization = serialization;
            return this;
        }

        /** The address to bind; default: Dubbo's choice (all interfaces). */
        public Provider host(String host) {
            this.host = host;
            return this;
        }

        public <T> Provider export(Class<T> iface, T impl) {
            return export(iface, impl, null, null);
        }

        /** Exports {@code impl} as {@code iface}; {@code group} and {@code version} may be null. */
        public <T> Provider export(Class<T> iface, T impl, String group, String version) {
            ServiceConfig<T> service = new ServiceConfig<>();
            service.setInterface(iface);
            service.setRef(impl);
            if (group != null) {
                service.setGroup(group);
            }
            if (version != null) {
                service.setVersion(version);
            }
            services.add(service);
            return this;
        }

        /** Starts the provider; it listens (and is registered, if a registry was given) when this returns. */
        public DubboApp start() {
            prepareJvm();
            int p = port == 0 ? freePort() : port;
            ProtocolConfig protocol = new ProtocolConfig("dubbo", p);
            if (serialization != null) {
                protocol.setSerialization(serialization);
                protocol.setPreferSerialization(serialization);
            }
            if (host != null) {
                protocol.setHost(host);
            }
            FrameworkModel framework = new FrameworkModel();
            DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework)
                    .application(application(name)).registry(DubboTestApps.registry(zkConnect)).protocol(protocol);
            services.forEach(bootstrap::service);
            bootstrap.start();
            return new DubboApp(framework, bootstrap, p);
        }
    }

    /**
     * Builds a consumer that calls either direct addresses on 127.0.0.1 or the providers registered in ZooKeeper.
     * Defaults: timeout 3000 ms, retries 0, {@code check=false}, Dubbo's serialization and heartbeat.
     */
    public static final class Consumer<T> {
        private final Class<T> iface;
        private final String name;
        private int[] ports = new int[0];
        private String zkConnect;
        private String migration;
        private String group;
        private String version;
        private String serialization;
        private int timeoutMs = 3000;
        private int heartbeatMs;

        private Consumer(Class<T> iface, String name) {
            this.iface = iface;
            this.name = name;
        }

        /** Calls {@code dubbo://127.0.0.1:port} for each port (Dubbo balances over them, skipping unavailable ones). */
        public Consumer<T> direct(int... ports) {
            this.ports = ports.clone();
            return this;
        }

        /** Finds providers in this ZooKeeper (see {@link DubboTestApps#registry}). */
        public Consumer<T> registry(String zkConnect) {
            this.zkConnect = zkConnect;
            return this;
        }

        /** E.g. {@code FORCE_INTERFACE}; null: Dubbo's default ({@code APPLICATION_FIRST}). Set only during start. */
        public Consumer<T> migration(String migration) {
            this.migration = migration;
            return this;
        }

        public Consumer<T> group(String group) {
            this.group = group;
            return this;
        }

        public Consumer<T> version(String version) {
            this.version = version;
            return this;
        }

        /** Sends with {@code serialization} (e.g. hessian2 or fastjson2); null: Dubbo's negotiation. */
        public Consumer<T> serialization(String serialization) {
            this.serialization = serialization;
            return this;
        }

        public Consumer<T> timeoutMs(int timeoutMs) {
            this.timeoutMs = timeoutMs;
            return this;
        }

        /** The idle heartbeat interval; 0: Dubbo's default (60 s). */
        public Consumer<T> heartbeatMs(int heartbeatMs) {
            this.heartbeatMs = heartbeatMs;
            return this;
        }

        /** Starts the consumer and creates its proxy. */
        public DubboConsumer<T> start() {
            prepareJvm();
            ReferenceConfig<T> ref = new ReferenceConfig<>();
            ref.setInterface(iface);
            ref.setTimeout(timeoutMs);
            ref.setRetries(0);
            ref.setCheck(false);
            if (group != null) {
                ref.setGroup(group);
            }
            if (version != null) {
                ref.setVersion(version);
            }
            String query = serialization == null ? ""
                    : "?serialization=" + serialization + "&prefer.serialization=" + serialization;
            StringBuilder urls = new StringBuilder();
            for (int port : ports) {
                urls.append(urls.length() == 0 ? "" : ";")
                        .append("dubbo://127.0.0.1:").append(port).append('/').append(iface.getName()).append(query);
            }
            if (urls.length() > 0) {
                ref.setUrl(urls.toString());
            }
            Map<String, String> params = new HashMap<>();
            if (serialization != null) {
                params.put("serialization", serialization);
                params.put("prefer.serialization", serialization);
            }
            if (heartbeatMs > 0) {
                params.put("heartbeat", String.valueOf(heartbeatMs));
            }
            if (!params.isEmpty()) {
                ref.setParameters(params);
            }
            String previous = System.getProperty(MIGRATION);
            if (migration != null) {
                System.setProperty(MIGRATION, migration);
            } else {
                System.clearProperty(MIGRATION);
            }
            FrameworkModel framework = new FrameworkModel();
            try {
                DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework)
                        .application(application(name)).registry(DubboTestApps.registry(zkConnect)).reference(ref).start();
                return new DubboConsumer<>(framework, bootstrap, ref.get());
            } finally {
                if (previous == null) {
                    System.clearProperty(MIGRATION);
                } else {
                    System.setProperty(MIGRATION, previous);
                }
            }
        }
    }
}
