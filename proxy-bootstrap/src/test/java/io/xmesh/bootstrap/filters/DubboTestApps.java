package io.xmesh.bootstrap.filters;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.model.FrameworkModel;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real Apache Dubbo 3.3.6 apps for the integration tests, each in its own {@link FrameworkModel}: no registry
 * (direct URLs), QoS off, hessian2, consumer timeout 3 s and retries 0 (dubbo-facts.md pitfalls).
 */
final class DubboTestApps {

    private DubboTestApps() {
    }

    /** Dubbo settings and the 127.0.0.1 local-address pin (dubbo-facts pitfall 1); call before any Dubbo app. */
    static void prepare() {
        System.setProperty("dubbo.application.qos-enable", "false");
        System.setProperty("dubbo.application.logger", "slf4j");
        System.setProperty("dubbo.service.shutdown.wait", "200");
        try {
            Class<?> netUtils = Class.forName("org.apache.dubbo.common.utils.NetUtils");
            java.lang.reflect.Field local = netUtils.getDeclaredField("LOCAL_ADDRESS");
            local.setAccessible(true);
            local.set(null, java.net.InetAddress.getByName("127.0.0.1"));
            java.lang.reflect.Field host = netUtils.getDeclaredField("HOST_ADDRESS");
            host.setAccessible(true);
            host.set(null, "127.0.0.1");
        } catch (ReflectiveOperationException | java.net.UnknownHostException e) {
            throw new IllegalStateException("cannot pin Dubbo's local address to 127.0.0.1", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ApplicationConfig app(String name) {
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        app.setRegisterMode("interface");
        return app;
    }

    /** A provider of {@link Greeter} that records the attachments of every call. */
    static final class Provider implements AutoCloseable {
        final int port;
        final List<Map<String, Object>> attachments = new CopyOnWriteArrayList<>();
        private final FrameworkModel framework = new FrameworkModel();
        private final DubboBootstrap bootstrap;

        Provider() throws IOException {
            port = freePort();
            ServiceConfig<Greeter> svc = new ServiceConfig<>();
            svc.setInterface(Greeter.class);
            svc.setRef(name -> {
                attachments.add(Map.copyOf(RpcContext.getServerAttachment().getObjectAttachments()));
                return "hello " + name;
            });
            ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
            protocol.setHost("127.0.0.1");
            protocol.setSerialization("hessian2");
            protocol.setPreferSerialization("hessian2");
            bootstrap = DubboBootstrap.newInstance(framework)
                    .application(app("xmesh-it-provider"))
                    .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                    .protocol(protocol)
                    .service(svc)
                    .start();
        }

        @Override
        public void close() {
            bootstrap.stop();
            framework.destroy();
        }
    }

    /** A consumer of {@link Greeter} calling dubbo://127.0.0.1:port directly. */
    static final class Consumer implements AutoCloseable {
        final Greeter greeter;
        private final FrameworkModel framework = new FrameworkModel();
        private final DubboBootstrap bootstrap;

        Consumer(int port) {
            ReferenceConfig<Greeter> ref = new ReferenceConfig<>();
            ref.setInterface(Greeter.class);
            ref.setUrl("dubbo://127.0.0.1:" + port + "/" + Greeter.class.getName() + "?serialization=hessian2");
            ref.setTimeout(10_000); // a loaded CI machine can be slow on the first calls
            ref.setRetries(0);
            ref.setCheck(false);
            bootstrap = DubboBootstrap.newInstance(framework)
                    .application(app("xmesh-it-consumer"))
                    .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                    .reference(ref)
                    .start();
            greeter = ref.get();
        }

        @Override
        public void close() {
            bootstrap.stop();
            framework.destroy();
        }
    }
}
