package io.xmesh.registry.zookeeper.interop;

import io.xmesh.registry.zookeeper.ZookeeperRegistry;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;
import io.xmesh.registry.zookeeper.ZookeeperRegistryFactory;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real 3-server ZooKeeper ensemble; a real non-meshed Dubbo consumer calls, in a loop, providers it found through
 * nodes xmesh published; the server xmesh is connected to is killed mid-load. Nothing is lost: no call fails, the
 * publications stay, and a provider xmesh publishes afterwards still reaches the consumer.
 */
class EnsembleUnderLoadTest {

    @Test
    void killingTheConnectedServerUnderLoadLosesNothing() throws Exception {
        DubboTestApps.prepareJvm(500);
        String service = Greeter.class.getName();
        ServiceKey key = new ServiceKey("dubbo", service, "", "");
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            String cs = cluster.getConnectString();
            int p1 = DubboTestApps.freePort();
            int p2 = DubboTestApps.freePort();
            DubboApp hidden1 = DubboTestApps.provider("hidden-1").port(p1)
                    .export(Greeter.class, new PortGreeter(p1)).start();
            DubboApp hidden2 = DubboTestApps.provider("hidden-2").port(p2)
                    .export(Greeter.class, new PortGreeter(p2)).start();
            ZookeeperRegistry xmesh = new ZookeeperRegistryFactory().create(URI.create("zookeeper://" + cs + "?timeout=3000&sessionTimeout=15000"));
            xmesh.start();
            DubboConsumer<Greeter> consumer = null;
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            Set<String> answers = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> load = new ArrayList<>();
            try {
                xmesh.publish(new ServiceInstance(key, "127.0.0.1", p1, 100, Map.of("methods", "greet,echo")))
                        .toCompletableFuture().get(20, TimeUnit.SECONDS);
                consumer = DubboTestApps.consumer(Greeter.class, "ensemble-consumer").registry(cs).migration("FORCE_INTERFACE")
                        .start();
                Greeter g = consumer.service();
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> g.greet("x").endsWith(":" + p1));
                for (int i = 0; i < 2; i++) {
                    Thread t = new Thread(() -> {
                        while (running.get()) {
                            try {
                                String a = g.greet("load");
                                answers.add(a.substring(a.lastIndexOf(':') + 1));
                                ok.incrementAndGet();
                            } catch (RuntimeException e) {
                                failures.add(e.toString());
                            }
                        }
                    }, "ensemble-load-" + i);
                    t.start();
                    load.add(t);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);

                InstanceSpec victim = cluster.findConnectionInstance(xmeshZooKeeper(xmesh));
                assertThat(cluster.killServer(victim)).isTrue();
                int atKill = ok.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > atKill + 200);

                // still registered, in the same session, and new publications still work and reach the consumer
                xmesh.publish(new ServiceInstance(key, "127.0.0.1", p2, 100, Map.of("methods", "greet,echo")))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(20)).until(() -> answers.contains(Integer.toString(p2)));
                try (CuratorFramework observer = CuratorFrameworkFactory.newClient(cs, 15_000, 3_000, new RetryNTimes(10, 300))) {
                    observer.start();
                    assertThat(observer.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(observer.getChildren().forPath("/dubbo/" + service + "/providers")).hasSize(2);
                }
                assertThat(failures).isEmpty();
            } finally {
                running.set(false);
                for (Thread t : load) {
                    t.join(5000);
                }
                if (consumer != null) {
                    consumer.close();
                }
                hidden1.close();
                hidden2.close();
                xmesh.close();
            }
        }
    }

    private static org.apache.zookeeper.ZooKeeper xmeshZooKeeper(ZookeeperRegistry r) throws Exception {
        java.lang.reflect.Method m = ZookeeperRegistry.class.getDeclaredMethod("curator");
        m.setAccessible(true);
        return ((CuratorFramework) m.invoke(r)).getZookeeperClient().getZooKeeper();
    }
}
