package io.xmesh.codec.dubbo.interop;

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
import java.util.HashMap;
import java.util.Map;

/**
 * Real Apache Dubbo 3.3.6 providers and consumers in this JVM, each in its own
 * {@link FrameworkModel} (so they share nothing, as separate processes would), without a
 * registry: consumers use a direct {@code dubbo://127.0.0.1:port} URL. QoS off, retries 0,
 * timeout 3000 ms. See dubbo-facts.md for the settings.
 */
public final class DubboApps {
    /** Service version and group of the second export. */
    public static final String VERSION = "1.2.3";
    public static final String GROUP = "g1";

    private DubboApps() {
    }

    static {
        System.setProperty("dubbo.application.qos-enable", "false");
        System.setProperty("java.net.preferIPv4Stack", "true");
        useLoopbackAsLocalAddress();
    }

    /** Dubbo refuses 127.* as its host (dubbo-facts pitfall 1): pre-fill its cache instead. */
    private static void useLoopbackAsLocalAddress() {
        try {
            Field local = NetUtils.class.getDeclaredField("LOCAL_ADDRESS");
            local.setAccessible(true);
            local.set(null, InetAddress.getByName("127.0.0.1"));
            Field host = NetUtils.class.getDeclaredField("HOST_ADDRESS");
            host.setAccessible(true);
            host.set(null, "127.0.0.1");
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A free port on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A running provider exporting GreetingService twice: unversioned, and group g1 version 1.2.3. */
    public static final class Provider implements AutoCloseable {
        public final int port;
        private final DubboBootstrap bootstrap;

        public Provider() {
            port = freePort();
            bootstrap = DubboBootstrap.newInstance(new FrameworkModel());
            ApplicationConfig app = new ApplicationConfig("interop-provider");
            app.setQosEnable(false);
            ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
            ServiceConfig<GreetingService> plain = new ServiceConfig<>();
            plain.setInterface(GreetingService.class);
            plain.setRef(new GreetingServiceImpl("plain"));
            ServiceConfig<GreetingService> grouped = new ServiceConfig<>();
            grouped.setInterface(GreetingService.class);
            grouped.setRef(new GreetingServiceImpl(GROUP + ":" + VERSION));
            grouped.setGroup(GROUP);
            grouped.setVersion(VERSION);
            bootstrap.application(app).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE)).protocol(protocol)
                    .service(plain).service(grouped).start();
        }

        @Override
        public void close() {
            bootstrap.destroy();
        }
    }

    /** A running consumer of one export through a direct URL. */
    public static final class Consumer implements AutoCloseable {
        public final GreetingService service;
        private final DubboBootstrap bootstrap;

        /**
         * @param port          where to connect on 127.0.0.1 (a provider or a relay)
         * @param serialization "hessian2" or "fastjson2"
         * @param group         the group to call, or null
         * @param version       the version to call, or null
         * @param heartbeatMs   the consumer's idle heartbeat interval
         */
        public Consumer(int port, String serialization, String group, String version, int heartbeatMs) {
            this(port, serialization, group, version, heartbeatMs, 3000);
        }

        /**
         * @param timeoutMs the consumer's call timeout: 3000 as in dubbo-facts for captures; the
         *                  interop tests use more so that a loaded CI machine cannot time them out
         */
        public Consumer(int port, String serialization, String group, String version, int heartbeatMs, int timeoutMs) {
            this(new int[]{port}, serialization, group, version, heartbeatMs, timeoutMs);
        }

        /** A consumer of several direct addresses (Dubbo load-balances over them, skipping unavailable ones). */
        public Consumer(int[] ports, String serialization, String group, String version, int heartbeatMs, int timeoutMs) {
            bootstrap = DubboBootstrap.newInstance(new FrameworkModel());
            ApplicationConfig app = new ApplicationConfig("interop-consumer");
            app.setQosEnable(false);
            ReferenceConfig<GreetingService> ref = new ReferenceConfig<>();
            ref.setInterface(GreetingService.class);
            StringBuilder urls = new StringBuilder();
            for (int port : ports) {
                if (urls.length() > 0) {
                    urls.append(';');
                }
                urls.append("dubbo://127.0.0.1:").append(port).append('/').append(GreetingService.class.getName())
                        .append("?serialization=").append(serialization).append("&prefer.serialization=").append(serialization);
            }
            ref.setUrl(urls.toString());
            ref.setTimeout(timeoutMs);
            ref.setRetries(0);
            ref.setCheck(false);
            if (group != null) {
                ref.setGroup(group);
            }
            if (version != null) {
                ref.setVersion(version);
            }
            Map<String, String> params = new HashMap<>();
            params.put("serialization", serialization);
            params.put("prefer.serialization", serialization);
            params.put("heartbeat", String.valueOf(heartbeatMs));
            ref.setParameters(params);
            bootstrap.application(app).reference(ref).start();
            service = ref.get();
        }

        @Override
        public void close() {
            bootstrap.destroy();
        }
    }
}
