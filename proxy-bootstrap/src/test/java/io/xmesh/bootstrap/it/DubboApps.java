package io.xmesh.bootstrap.it;

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
import java.util.Map;

/**
 * Real Apache Dubbo 3.3.6 providers and consumers, each with its own {@link FrameworkModel}
 * (isolated as separate processes would be), no registry (direct URLs), QoS off, retries 0,
 * hessian2 (dubbo-facts.md).
 */
final class DubboApps {
    private DubboApps() {
    }

    static {
        System.setProperty("dubbo.application.qos-enable", "false");
        // Dubbo treats 127.* as an invalid local host (dubbo-facts pitfall 1): pre-fill its cache.
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

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A provider of {@link Greeter} answering "hello NAME from PROVIDER". */
    static final class Provider implements AutoCloseable {
        final int port = freePort();
        final String name;
        private final DubboBootstrap bootstrap = DubboBootstrap.newInstance(new FrameworkModel());

        Provider(String name) {
            this.name = name;
            ApplicationConfig app = new ApplicationConfig("xmesh-it-provider-" + name);
            app.setQosEnable(false);
            ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
            protocol.setSerialization("hessian2");
            protocol.setPreferSerialization("hessian2");
            ServiceConfig<Greeter> svc = new ServiceConfig<>();
            svc.setInterface(Greeter.class);
            svc.setRef(new Greeter() {
                @Override
                public String greet(String who) {
                    return "hello " + who + " from " + name;
                }

                @Override
                public String slow(String who, int millis) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "slow " + who + " from " + name;
                }
            });
            bootstrap.application(app).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE)).protocol(protocol)
                    .service(svc).start();
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        @Override
        public void close() {
            bootstrap.destroy();
        }
    }

    /** A consumer with a direct URL to {@code port} (xmesh's listener). */
    static final class Consumer<T> implements AutoCloseable {
        final T service;
        private final DubboBootstrap bootstrap = DubboBootstrap.newInstance(new FrameworkModel());

        Consumer(Class<T> type, int port, int timeoutMs) {
            ApplicationConfig app = new ApplicationConfig("xmesh-it-consumer");
            app.setQosEnable(false);
            ReferenceConfig<T> ref = new ReferenceConfig<>();
            ref.setInterface(type);
            ref.setUrl("dubbo://127.0.0.1:" + port + "/" + type.getName() + "?serialization=hessian2&prefer.serialization=hessian2");
            ref.setTimeout(timeoutMs);
            ref.setRetries(0);
            ref.setCheck(false);
            ref.setParameters(Map.of("serialization", "hessian2", "prefer.serialization", "hessian2"));
            bootstrap.application(app).reference(ref).start();
            service = ref.get();
        }

        @Override
        public void close() {
            bootstrap.destroy();
        }
    }
}
