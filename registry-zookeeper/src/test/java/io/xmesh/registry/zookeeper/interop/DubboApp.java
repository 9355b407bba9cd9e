package io.xmesh.registry.zookeeper.interop;

import org.apache.dubbo.common.utils.NetUtils;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A real Apache Dubbo 3.3.6 application in this JVM (its own FrameworkModel), set up as dubbo-facts.md says:
 * QoS off, register-mode=interface, hessian2 pinned, registry {@code ?timeout=3000}, retries 0, 127.0.0.1 as host.
 */
public final class DubboApp implements AutoCloseable {

    private final FrameworkModel framework;
    private final DubboBootstrap bootstrap;
    private final ReferenceConfig<Greeter> reference;

    private DubboApp(FrameworkModel framework, DubboBootstrap bootstrap, ReferenceConfig<Greeter> reference) {
        this.framework = framework;
        this.bootstrap = bootstrap;
        this.reference = reference;
    }

    /**
     * Dubbo treats every 127.* address as invalid and would register a LAN address instead (pitfall 1); pre-fill its
     * cached local address so registered URLs carry 127.0.0.1. Also QoS off and a short shutdown wait.
     */
    public static void prepareJvm() throws Exception {
        System.setProperty("dubbo.application.qos-enable", "false");
        System.setProperty("dubbo.service.shutdown.wait", "500");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        Field local = NetUtils.class.getDeclaredField("LOCAL_ADDRESS");
        local.setAccessible(true);
        local.set(null, loopback);
        Field host = NetUtils.class.getDeclaredField("HOST_ADDRESS");
        host.setAccessible(true);
        host.set(null, "127.0.0.1");
    }

    public static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ApplicationConfig application(String name) {
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        app.setRegisterMode("interface");
        return app;
    }

    /** A Dubbo registry address; an ensemble {@code a:1,b:2,c:3} is written Dubbo's way, with {@code backup=}. */
    private static RegistryConfig registry(String zkConnect) {
        if (zkConnect == null) {
            return new RegistryConfig(RegistryConfig.NO_AVAILABLE);
        }
        String[] servers = zkConnect.split(",");
        String backup = servers.length > 1 ? "&backup=" + String.join(",", java.util.Arrays.copyOfRange(servers, 1, servers.length)) : "";
        return new RegistryConfig("zookeeper://" + servers[0] + "?timeout=3000" + backup);
    }

    /**
     * Exports {@link Greeter} on {@code port}; registered in ZooKeeper unless {@code zkConnect} is null.
     * The greeting names the port, so a caller can tell which provider answered.
     */
    public static DubboApp provider(String name, String zkConnect, int port, String group, String version) {
        FrameworkModel fw = new FrameworkModel();
        DubboBootstrap b = DubboBootstrap.newInstance(fw);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setSerialization("hessian2");
        protocol.setPreferSerialization("hessian2");
        ServiceConfig<Greeter> service = new ServiceConfig<>();
        service.setInterface(Greeter.class);
        service.setRef(new Greeter() {
            @Override
            public String greet(String who) {
                return "Hello, " + who + " from provider:" + port;
            }

            @Override
            public String echo(String text) {
                return text;
            }
        });
        if (group != null) {
            service.setGroup(group);
        }
        if (version != null) {
            service.setVersion(version);
        }
        b.application(application(name)).registry(registry(zkConnect)).protocol(protocol).service(service).start();
        return new DubboApp(fw, b, null);
    }

    /**
     * A consumer of {@link Greeter} that finds providers in ZooKeeper only.
     *
     * @param migration {@code FORCE_INTERFACE}, or null for Dubbo's default ({@code APPLICATION_FIRST})
     */
    public static DubboApp consumer(String name, String zkConnect, String group, String version, String migration) {
        String key = "dubbo.application.service-discovery.migration";
        String previous = System.getProperty(key);
        if (migration != null) {
            System.setProperty(key, migration);
        } else {
            System.clearProperty(key);
        }
        try {
            FrameworkModel fw = new FrameworkModel();
            DubboBootstrap b = DubboBootstrap.newInstance(fw);
            ReferenceConfig<Greeter> ref = new ReferenceConfig<>();
            ref.setInterface(Greeter.class);
            ref.setTimeout(3000);
            ref.setRetries(0);
            ref.setCheck(false);
            if (group != null) {
                ref.setGroup(group);
            }
            if (version != null) {
                ref.setVersion(version);
            }
            b.application(application(name)).registry(registry(zkConnect)).reference(ref).start();
            return new DubboApp(fw, b, ref);
        } finally {
            if (previous == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, previous);
            }
        }
    }

    public Greeter greeter() {
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
