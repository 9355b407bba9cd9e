package io.xmesh.sample;

import java.io.IOException;
import java.net.ServerSocket;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * Real Apache Dubbo 3.3.6 consumers and providers for tests, each in its own {@link FrameworkModel} (so several can
 * live in one JVM), without a registry (direct URLs), QoS off, hessian2, retries 0.
 */
final class DubboApps {
    static {
        System.setProperty("dubbo.application.qos-enable", "false");
        System.setProperty("dubbo.application.logger", "slf4j");
        System.setProperty("dubbo.service.shutdown.wait", "200");
        pinLocalAddressToLoopback();
    }

    /**
     * Dubbo 3.3.6 treats 127.* as an invalid local host and replaces it with the first non-loopback address, also in
     * a consumer's direct URL (see dubbo-facts.md, pitfall 1). Pre-filling its cached local address keeps everything
     * on 127.0.0.1.
     */
    private static void pinLocalAddressToLoopback() {
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

    private DubboApps() {
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

    /** A started consumer of {@code iface} at dubbo://127.0.0.1:port; close it with {@link Handle#close()}. */
    static <T> Consumer<T> consumer(Class<T> iface, int port, String applicationName) {
        FrameworkModel fm = new FrameworkModel();
        ReferenceConfig<T> ref = new ReferenceConfig<>();
        ref.setInterface(iface);
        ref.setUrl("dubbo://127.0.0.1:" + port + "/" + iface.getName() + "?serialization=hessian2");
        ref.setTimeout(3000);
        ref.setRetries(0);
        ref.setCheck(false);
        DubboBootstrap b = DubboBootstrap.newInstance(fm)
                .application(app(applicationName))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .reference(ref)
                .start();
        return new Consumer<>(fm, b, ref.get());
    }

    /** A started provider of {@code impl} as {@code iface} on the given port, hessian2 only. */
    static <T> Handle provider(Class<T> iface, T impl, int port) {
        FrameworkModel fm = new FrameworkModel();
        ServiceConfig<T> svc = new ServiceConfig<>();
        svc.setInterface(iface);
        svc.setRef(impl);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setSerialization("hessian2");
        protocol.setPreferSerialization("hessian2");
        DubboBootstrap b = DubboBootstrap.newInstance(fm)
                .application(app("xmesh-test-provider"))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .protocol(protocol)
                .service(svc)
                .start();
        return new Handle(fm, b);
    }

    static class Handle implements AutoCloseable {
        final FrameworkModel framework;
        final DubboBootstrap bootstrap;

        Handle(FrameworkModel framework, DubboBootstrap bootstrap) {
            this.framework = framework;
            this.bootstrap = bootstrap;
        }

        @Override
        public void close() {
            bootstrap.stop();
            framework.destroy();
        }
    }

    static final class Consumer<T> extends Handle {
        final T proxy;

        Consumer(FrameworkModel framework, DubboBootstrap bootstrap, T proxy) {
            super(framework, bootstrap);
            this.proxy = proxy;
        }
    }
}
