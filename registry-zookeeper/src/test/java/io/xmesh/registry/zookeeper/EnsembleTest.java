package io.xmesh.registry.zookeeper;

import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.xmesh.registry.zookeeper.ZkTestSupport.addProvider;
import static io.xmesh.registry.zookeeper.ZkTestSupport.owners;
import static io.xmesh.registry.zookeeper.ZkTestSupport.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real 3-server ZooKeeper ensemble; the server the registries use is killed. */
class EnsembleTest {

    static final ServiceKey KEY = new ServiceKey("dubbo", "ens.Stock", "", "");

    @Test
    void losingOneServerLosesNothing() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            String cs = cluster.getConnectString();
            try (ZookeeperRegistry publisher = ZkTestSupport.registry(cs, "sessionTimeout=15000");
                 ZookeeperRegistry subscriber = ZkTestSupport.registry(cs, "sessionTimeout=15000")) {
                publisher.publish(instance(8001)).toCompletableFuture().get(20, TimeUnit.SECONDS);
                Recorder rec = new Recorder();
                subscriber.subscribe(KEY, Map.of(), rec);
                await().atMost(Duration.ofSeconds(10)).until(() -> Set.of("127.0.0.1:8001").equals(rec.addresses()));
                long pubSession = session(publisher);
                long subSession = session(subscriber);

                InstanceSpec victim = cluster.findConnectionInstance(publisher.curator().getZookeeperClient().getZooKeeper());
                assertThat(cluster.killServer(victim)).isTrue();

                // Both clients move to a surviving server with their sessions; the publication is still there.
                publisher.publish(instance(8002)).toCompletableFuture().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        Set.of("127.0.0.1:8001", "127.0.0.1:8002").equals(rec.addresses()));
                try (CuratorFramework observer = ZkTestSupport.observer(cs)) {
                    addProvider(observer, "dubbo://10.2.2.2:20880/ens.Stock?interface=ens.Stock&timestamp=1", CreateMode.PERSISTENT);
                    await().atMost(Duration.ofSeconds(10)).until(() -> rec.addresses().contains("10.2.2.2:20880"));
                    List<Long> owners = owners(observer, "/dubbo/ens.Stock/providers");
                    assertThat(owners).contains(session(publisher));
                    assertThat(owners(observer, "/dubbo/ens.Stock/consumers")).containsExactly(session(subscriber));
                }
                assertThat(session(publisher)).isEqualTo(pubSession);
                assertThat(session(subscriber)).isEqualTo(subSession);
                assertThat(rec.sawEmpty()).isFalse();
            }
        }
    }

    static ServiceInstance instance(int port) {
        return new ServiceInstance(KEY, "127.0.0.1", port, 100, Map.of());
    }
}
