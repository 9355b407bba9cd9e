package io.xmesh.registry.zookeeper;

import io.xmesh.registry.zookeeper.internal.DubboUrl;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.xmesh.registry.zookeeper.ZkTestSupport.addProvider;
import static io.xmesh.registry.zookeeper.ZkTestSupport.children;
import static io.xmesh.registry.zookeeper.ZkTestSupport.owners;
import static io.xmesh.registry.zookeeper.ZkTestSupport.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ZooKeeper going away and coming back, and sessions expiring: subscriptions are never emptied by it, and everything
 * published is back afterwards. The server ticks every 200 ms so that sessions (2 s here) expire quickly.
 */
class ResilienceTest {

    static final ServiceKey KEY = new ServiceKey("dubbo", "res.Orders", "", "");
    static final String PROVIDERS = "/dubbo/res.Orders/providers";
    static final String CONSUMERS = "/dubbo/res.Orders/consumers";

    TestingServer zk;
    ZookeeperRegistry publisher;
    ZookeeperRegistry subscriber;
    Recorder rec;
    final List<ConnectionState> subscriberStates = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1);
        zk = new TestingServer(spec, true);
        publisher = ZkTestSupport.registry(zk.getConnectString(), "sessionTimeout=2000");
        subscriber = ZkTestSupport.registry(zk.getConnectString(), "sessionTimeout=2000");
        subscriber.curator().getConnectionStateListenable().addListener((c, s) -> subscriberStates.add(s));
        publisher.publish(instance(7001)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        subscriber.publish(instance(7002)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        rec = new Recorder();
        subscriber.subscribe(KEY, Map.of(), rec);
        await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.1:7001", "127.0.0.1:7002").equals(rec.addresses()));
        await().atMost(Duration.ofSeconds(5)).until(() -> observe(zk, c -> children(c, CONSUMERS).size()) == 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        subscriber.close();
        publisher.close();
        zk.close();
    }

    static ServiceInstance instance(int port) {
        return new ServiceInstance(KEY, "127.0.0.1", port, 100, Map.of("methods", "list"));
    }

    interface ZkCall<T> {
        T call(CuratorFramework c) throws Exception;
    }

    static <T> T observe(TestingServer zk, ZkCall<T> call) throws Exception {
        try (CuratorFramework c = ZkTestSupport.observer(zk.getConnectString())) {
            return call.call(c);
        }
    }

    @Test
    void zookeeperDownKeepsTheLastSetAndRestartBringsRegistrationsBack() throws Exception {
        long publisherSession = session(publisher);
        zk.stop();
        // Wait until Curator gives up on the session (LOST); nothing may be delivered meanwhile.
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriberStates.contains(ConnectionState.LOST));
        assertThat(subscriber.isConnected()).isFalse();
        assertThat(rec.addresses()).containsExactlyInAnyOrder("127.0.0.1:7001", "127.0.0.1:7002");
        assertThat(rec.sawEmpty()).isFalse();
        // publishing while down is accepted and happens after the reconnect
        var pending = publisher.publish(instance(7003)).toCompletableFuture();

        zk.restart();
        pending.get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.isConnected() && subscriber.isConnected());
        // Re-registered under the new sessions; they must stay after the old sessions expire on the server (2 s).
        await().atMost(Duration.ofSeconds(20)).until(() -> session(publisher) != publisherSession);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).until(() -> observe(zk, c -> {
            List<Long> owners = owners(c, PROVIDERS);
            return owners.size() == 3 && owners.containsAll(List.of(session(publisher), session(subscriber)))
                    && children(c, CONSUMERS).size() == 1;
        }));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                Set.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003").equals(rec.addresses()));
        assertThat(rec.sawEmpty()).isFalse();
        assertThat(rec.overlapped).isFalse();

        // the watch is alive: a change made now still arrives
        observe(zk, c -> addProvider(c, "dubbo://10.1.1.1:1/res.Orders?interface=res.Orders&timestamp=1", CreateMode.PERSISTENT));
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.addresses().contains("10.1.1.1:1"));
    }

    @Test
    void quickRestartKeepsTheSessionAndTheNodes() throws Exception {
        long publisherSession = session(publisher);
        zk.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !publisher.isConnected());
        zk.restart();
        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.isConnected() && subscriber.isConnected());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20))
                .until(() -> observe(zk, c -> owners(c, PROVIDERS).size()) == 2);
        assertThat(rec.sawEmpty()).isFalse();
        assertThat(rec.addresses()).containsExactlyInAnyOrder("127.0.0.1:7001", "127.0.0.1:7002");
        if (session(publisher) == publisherSession) {
            List<Long> owners = observe(zk, c -> owners(c, PROVIDERS));
            assertThat(owners).contains(publisherSession);
        }
    }

    @Test
    void clientSideSessionExpiryReRegistersEverything() throws Exception {
        long before = session(subscriber);
        int deliveries = rec.deliveries.size();
        KillSession.kill(subscriber.curator().getZookeeperClient().getZooKeeper());
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.isConnected() && session(subscriber) != before);
        // the server still holds the old session until it times out: nodes must move to the new session and stay
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).until(() -> observe(zk, c ->
                owners(c, PROVIDERS).contains(session(subscriber)) && !owners(c, PROVIDERS).contains(before)
                        && owners(c, CONSUMERS).equals(List.of(session(subscriber)))));
        assertThat(rec.sawEmpty()).isFalse();
        assertThat(rec.deliveries.subList(deliveries, rec.deliveries.size()))
                .allSatisfy(d -> assertThat(d).hasSize(2));
        observe(zk, c -> addProvider(c, "dubbo://10.1.1.2:1/res.Orders?interface=res.Orders&timestamp=1", CreateMode.PERSISTENT));
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.addresses().contains("10.1.1.2:1"));
    }

    @Test
    void serverSideSessionExpiryReRegistersEverything() throws Exception {
        for (ZookeeperRegistry r : List.of(publisher, subscriber)) {
            long before = session(r);
            expireOnServer(zk.getConnectString(), r.curator().getZookeeperClient().getZooKeeper());
            await().atMost(Duration.ofSeconds(20)).until(() -> r.isConnected() && session(r) != before);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> observe(zk, c ->
                owners(c, PROVIDERS).containsAll(List.of(session(publisher), session(subscriber)))
                        && owners(c, CONSUMERS).equals(List.of(session(subscriber)))));
        await().atMost(Duration.ofSeconds(5)).until(() ->
                Set.of("127.0.0.1:7001", "127.0.0.1:7002").equals(rec.addresses()));
        // The subscriber's own instance is never reported missing because of its own expiry.
        assertThat(rec.deliveries).allSatisfy(d -> assertThat(d).extracting(ServiceInstance::address).contains("127.0.0.1:7002"));
        assertThat(rec.sawEmpty()).isFalse();
        observe(zk, c -> addProvider(c, "dubbo://10.1.1.3:1/res.Orders?interface=res.Orders&timestamp=1", CreateMode.PERSISTENT));
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.addresses().contains("10.1.1.3:1"));
        List<String> names = observe(zk, c -> c.getChildren().forPath(PROVIDERS));
        assertThat(DubboUrl.decode(names.get(0)).path()).isEqualTo("res.Orders");
    }

    /** Expires a session for real, on the server: a second handle on the same session id is opened and closed. */
    static void expireOnServer(String connectString, ZooKeeper victim) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(connectString, 2000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, victim.getSessionId(), victim.getSessionPasswd());
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        twin.close();
    }
}
