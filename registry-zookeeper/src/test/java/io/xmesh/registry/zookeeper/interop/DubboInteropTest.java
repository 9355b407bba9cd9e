package io.xmesh.registry.zookeeper.interop;

import io.xmesh.registry.zookeeper.ZookeeperRegistry;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;
import io.xmesh.registry.zookeeper.ZookeeperRegistryFactory;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Apache Dubbo 3.3.6 applications and xmesh's registry in one real ZooKeeper: each finds the other.
 */
class DubboInteropTest {

    static final String SERVICE = Greeter.class.getName();
    static TestingServer zk;

    @BeforeAll
    static void setUp() throws Exception {
        DubboTestApps.prepareJvm(500);
        zk = new TestingServer(true);
    }

    @AfterAll
    static void tearDown() throws Exception {
        zk.close(); // every Dubbo app is closed by its test first (pitfall 5)
    }

    static ZookeeperRegistry registry() {
        ZookeeperRegistry r = new ZookeeperRegistryFactory().create(URI.create("zookeeper://" + zk.getConnectString()
                + "?timeout=3000&application=xmesh-interop"));
        r.start();
        return r;
    }

    /**
     * xmesh publishes an instance pointing at a real Dubbo provider that is registered nowhere; real non-meshed Dubbo
     * consumers (interface-level discovery, and Dubbo's default migration mode) find it in ZooKeeper and call it.
     */
    @Test
    void nonMeshedDubboConsumersFindAndCallWhatXmeshPublishes() throws Exception {
        int port = DubboTestApps.freePort();
        try (DubboApp hidden = DubboTestApps.provider("hidden-provider").port(port)
                    .export(Greeter.class, new PortGreeter(port)).start();
             ZookeeperRegistry xmesh = registry()) {
            xmesh.publish(new ServiceInstance(new ServiceKey("dubbo", SERVICE, "", ""), "127.0.0.1", port, 100,
                    Map.of("methods", "greet,echo"))).toCompletableFuture().get(10, TimeUnit.SECONDS);

            for (String migration : new String[] {"FORCE_INTERFACE", null}) {
                try (DubboConsumer<Greeter> consumer = DubboTestApps.consumer(Greeter.class, "plain-consumer")
                        .registry(zk.getConnectString()).migration(migration).start()) {
                    Greeter greeter = consumer.service();
                    await("call via " + migration).atMost(Duration.ofSeconds(20)).ignoreExceptions()
                            .until(() -> greeter.greet("mesh").equals("Hello, mesh from provider:" + port));
                    assertThat(greeter.echo("x".repeat(1000))).hasSize(1000);
                }
            }
        }
    }

    /**
     * Real Dubbo providers register; xmesh's subscription sees exactly the matching one with its host, port and
     * parameters, never the other group/version; providers started and stopped at runtime reach the listener
     * within a second.
     */
    @Test
    void xmeshSeesRealDubboProvidersAndFollowsThem() throws Exception {
        int p1 = DubboTestApps.freePort();
        int p2 = DubboTestApps.freePort();
        try (ZookeeperRegistry xmesh = registry();
             DubboApp plain = DubboTestApps.provider("provider-plain").registry(zk.getConnectString()).port(p1)
                    .export(Greeter.class, new PortGreeter(p1)).start();
             DubboApp versioned = DubboTestApps.provider("provider-g1").registry(zk.getConnectString()).port(p2)
                    .export(Greeter.class, new PortGreeter(p2), "g1", "1.2.3").start()) {
            List<List<ServiceInstance>> plainSets = new CopyOnWriteArrayList<>();
            List<List<ServiceInstance>> groupSets = new CopyOnWriteArrayList<>();
            xmesh.subscribe(new ServiceKey("dubbo", SERVICE, "", ""), Map.of("methods", "greet"), plainSets::add);
            xmesh.subscribe(new ServiceKey("dubbo", SERVICE, "g1", "1.2.3"), Map.of(), groupSets::add);

            await().atMost(Duration.ofSeconds(5)).until(() -> !plainSets.isEmpty() && !groupSets.isEmpty());
            ServiceInstance seen = last(plainSets).get(0);
            assertThat(last(plainSets)).hasSize(1);
            assertThat(seen.host()).isEqualTo("127.0.0.1");
            assertThat(seen.port()).isEqualTo(p1);
            assertThat(seen.key()).isEqualTo(new ServiceKey("dubbo", SERVICE, "", ""));
            assertThat(seen.parameters()).containsEntry("application", "provider-plain").containsEntry("side", "provider")
                    .containsEntry("interface", SERVICE).containsEntry("methods", "echo,greet")
                    .containsEntry("serialization", "hessian2").containsEntry("release", "3.3.6")
                    .doesNotContainKeys("group", "version");
            assertThat(last(groupSets)).extracting(ServiceInstance::port).containsExactly(p2);
            assertThat(last(groupSets).get(0).parameters()).containsEntry("group", "g1").containsEntry("version", "1.2.3");

            int p3 = DubboTestApps.freePort();
            DubboApp third = DubboTestApps.provider("provider-third").registry(zk.getConnectString()).port(p3)
                    .export(Greeter.class, new PortGreeter(p3)).start();
            try {
                await().atMost(Duration.ofSeconds(1)).until(() -> ports(last(plainSets)).equals(Set.of(p1, p3)));
            } finally {
                third.close();
            }
            await().atMost(Duration.ofSeconds(1)).until(() -> ports(last(plainSets)).equals(Set.of(p1)));
            assertThat(ports(last(groupSets))).containsExactly(p2);
            assertThat(plainSets).noneMatch(List::isEmpty);
        }
    }

    static List<ServiceInstance> last(List<List<ServiceInstance>> sets) {
        return sets.get(sets.size() - 1);
    }

    static Set<Integer> ports(List<ServiceInstance> set) {
        return set.stream().map(ServiceInstance::port).collect(Collectors.toSet());
    }
}
