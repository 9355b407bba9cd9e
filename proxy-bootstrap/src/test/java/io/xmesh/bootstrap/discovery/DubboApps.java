package io.xmesh.bootstrap.discovery;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Real Apache Dubbo 3.3.6 applications in this JVM, one FrameworkModel each, set up as dubbo-facts.md says (QoS off,
 * register-mode=interface, hessian2, registry {@code ?timeout=3000}, retries 0, 127.0.0.1 pinned as local host).
 */
final class DubboApps {

    private DubboApps() {
    }

    static void prepareJvm() throws Exception {
        System.setProperty("dubbo.application.qos-enable", "false");
        System.setProperty("dubbo.service.shutdown.wait", "300");
        Class<?> netUtils = Class.forName("org.apache.dubbo.common.utils.NetUtils");
        java.lang.reflect.Field local = netUtils.getDeclaredField("LOCAL_ADDRESS");
        local.setAccessible(true);
        local.set(null, InetAddress.getByName("127.0.0.1"));
        java.lang.reflect.Field host = netUtils.getDeclaredField("HOST_ADDRESS");
        host.setAccessible(true);
        host.set(null, "127.0.0.1");
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ApplicationConfig app(String name) {
        ApplicationConfig a = new ApplicationConfig(name);
        a.setQosEnable(false);
        a.setRegisterMode("interface");
        return a;
    }

    /** Answers {@code "<name>: hello <who>"}. */
    static final class NamedGreeter implements Greeter {
        private final String name;

        NamedGreeter(String name) {
            this.name = name;
        }

        @Override
        public String greet(String who) {
            return name + ": hello " + who;
        }
    }

    /** A running Dubbo application. */
    static final class App implements AutoCloseable {
        final FrameworkModel framework;
        final DubboBootstrap bootstrap;
        final ReferenceConfig<Greeter> reference;
        final int port;

        App(FrameworkModel framework, DubboBootstrap bootstrap, ReferenceConfig<Greeter> reference, int port) {
            this.framework = framework;
            this.bootstrap = bootstrap;
            this.reference = reference;
            this.port = port;
        }

        Greeter greeter() {
            return reference.get();
        }

        @Override
        public void close() {
            try {
                bootstrap.stop();
            } finally {
                framework.destroy();
            }
        }
    }

    /**
     * A provider answering {@code "<name>: hello <who>"}, registered in ZooKeeper when {@code zk} is not null (a
     * non-meshed provider) or registered nowhere (a meshed one: its sidecar publishes it).
     */
    static App provider(String name, String zk, String version) throws Exception {
        int port = freePort();
        FrameworkModel fw = new FrameworkModel();
        DubboBootstrap b = DubboBootstrap.newInstance(fw);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setSerialization("hessian2");
        protocol.setPreferSerialization("hessian2");
        ServiceConfig<Greeter> s = new ServiceConfig<>();
        s.setInterface(Greeter.class);
        s.setRef(new NamedGreeter(name));
        if (version != null) {
            s.setVersion(version);
        }
        b.application(app(name))
                .registry(zk == null ? new RegistryConfig(RegistryConfig.NO_AVAILABLE) : new RegistryConfig("zookeeper://" + zk + "?timeout=3000"))
                .protocol(protocol).service(s).start();
        return new App(fw, b, null, port);
    }

    /** A meshed consumer: it knows only its sidecar's egress address. */
    static App meshedConsumer(String name, int egressPort, String version) {
        FrameworkModel fw = new FrameworkModel();
        DubboBootstrap b = DubboBootstrap.newInstance(fw);
        ReferenceConfig<Greeter> ref = reference(version);
        ref.setUrl("dubbo://127.0.0.1:" + egressPort);
        b.application(app(name)).reference(ref).start();
        return new App(fw, b, ref, 0);
    }

    /** A non-meshed consumer: finds providers in ZooKeeper by interface (FORCE_INTERFACE). */
    static App plainConsumer(String name, String zk) {
        String key = "dubbo.application.service-discovery.migration";
        System.setProperty(key, "FORCE_INTERFACE");
        try {
            FrameworkModel fw = new FrameworkModel();
            DubboBootstrap b = DubboBootstrap.newInstance(fw);
            ReferenceConfig<Greeter> ref = reference(null);
            b.application(app(name)).registry(new RegistryConfig("zookeeper://" + zk + "?timeout=3000")).reference(ref).start();
            return new App(fw, b, ref, 0);
        } finally {
            System.clearProperty(key);
        }
    }

    private static ReferenceConfig<Greeter> reference(String version) {
        ReferenceConfig<Greeter> ref = new ReferenceConfig<>();
        ref.setInterface(Greeter.class);
        ref.setTimeout(3000);
        ref.setRetries(0);
        ref.setCheck(false);
        if (version != null) {
            ref.setVersion(version);
        }
        return ref;
    }
}
