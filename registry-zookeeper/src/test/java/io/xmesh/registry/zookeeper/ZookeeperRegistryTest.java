package io.xmesh.registry.zookeeper;

import io.xmesh.registry.zookeeper.internal.DubboUrl;
import io.xmesh.xprotocol.registry.Registry;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.xmesh.registry.zookeeper.ZkTestSupport.addProvider;
import static io.xmesh.registry.zookeeper.ZkTestSupport.children;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Publish and subscribe against a real ZooKeeper server (curator-test TestingServer). */
class ZookeeperRegistryTest {

    static TestingServer zk;
    static CuratorFramework observer;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zk = new TestingServer(true);
        observer = ZkTestSupport.observer(zk.getConnectString());
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        observer.close();
        zk.close();
    }

    static ServiceInstance instance(String service, String group, String version, int port, Map<String, String> params) {
        return new ServiceInstance(new ServiceKey("dubbo", service, group, version), "127.0.0.1", port, 100, params);
    }

    @Test
    void publishWritesOneEphemeralNodeInDubbosShapeAndTheFolders() throws Exception {
        try (ZookeeperRegistry r = ZkTestSupport.registry(zk.getConnectString(), "application=meshed-app")) {
            ServiceInstance i = instance("pub.Greeter", "g1", "1.2.3", 20880,
                    Map.of("methods", "greet,echo", "revision", "9"));
            r.publish(i).toCompletableFuture().get(10, TimeUnit.SECONDS);

            List<DubboUrl> nodes = children(observer, "/dubbo/pub.Greeter/providers");
            assertThat(nodes).hasSize(1);
            DubboUrl u = nodes.get(0);
            assertThat(u.protocol()).isEqualTo("dubbo");
            assertThat(u.address()).isEqualTo("127.0.0.1:20880");
            assertThat(u.path()).isEqualTo("pub.Greeter");
            assertThat(u.parameters()).containsAllEntriesOf(Map.of("application", "meshed-app", "deprecated", "false",
                    "dubbo", "2.0.2", "dynamic", "true", "generic", "false", "group", "g1", "interface", "pub.Greeter",
                    "methods", "echo,greet", "prefer.serialization", "hessian2", "release", "3.3.6"));
            assertThat(u.parameters()).containsEntry("serialization", "hessian2").containsEntry("side", "provider")
                    .containsEntry("version", "1.2.3").containsEntry("revision", "9").containsKey("timestamp");
            assertThat(u.parameters()).doesNotContainKeys("anyhost", "pid", "weight");

            String nodePath = "/dubbo/pub.Greeter/providers/" + u.encoded();
            Stat stat = observer.checkExists().forPath(nodePath);
            assertThat(stat.getEphemeralOwner()).isEqualTo(ZkTestSupport.session(r));
            for (String folder : List.of("providers", "consumers", "configurators", "routers")) {
                Stat f = observer.checkExists().forPath("/dubbo/pub.Greeter/" + folder);
                assertThat(f).as(folder).isNotNull();
                assertThat(f.getEphemeralOwner()).as(folder + " is persistent").isZero();
            }
            assertThat(r.publishedUrls()).containsExactly(u.toFullString());

            // idempotent: same instance, same node
            r.publish(i).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(children(observer, "/dubbo/pub.Greeter/providers")).containsExactly(u);

            // changed parameters replace the node (new one first, then the old one goes)
            r.publish(instance("pub.Greeter", "g1", "1.2.3", 20880, Map.of("methods", "greet")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                List<DubboUrl> now = children(observer, "/dubbo/pub.Greeter/providers");
                assertThat(now).hasSize(1);
                assertThat(now.get(0).parameters()).containsEntry("methods", "greet");
            });

            r.unpublish(i).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(children(observer, "/dubbo/pub.Greeter/providers")).isEmpty();
            r.unpublish(i).toCompletableFuture().get(10, TimeUnit.SECONDS); // idempotent
            assertThat(r.publishedUrls()).isEmpty();
        }
    }

    @Test
    void closeRemovesEverythingThisRegistryWrote() throws Exception {
        ZookeeperRegistry r = ZkTestSupport.registry(zk.getConnectString(), "");
        r.publish(instance("close.A", "", "", 1001, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        r.publish(instance("close.B", "", "", 1002, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Recorder rec = new Recorder();
        r.subscribe(new ServiceKey("dubbo", "close.C", "", ""), Map.of(), rec);
        await().atMost(Duration.ofSeconds(5)).until(() -> children(observer, "/dubbo/close.C/consumers").size() == 1);
        r.close();
        assertThat(children(observer, "/dubbo/close.A/providers")).isEmpty();
        assertThat(children(observer, "/dubbo/close.B/providers")).isEmpty();
        assertThat(children(observer, "/dubbo/close.C/consumers")).isEmpty();
        assertThatThrownBy(() -> r.publish(instance("close.A", "", "", 1, Map.of()))).isInstanceOf(IllegalStateException.class);
        r.close(); // idempotent
    }

    @Test
    void subscribeSeesExactlyTheMatchingProvidersAndFollowsChanges() throws Exception {
        String svc = "sub.Users";
        addProvider(observer, "dubbo://10.0.0.1:20880/sub.Users?interface=sub.Users&methods=get&side=provider&timestamp=1");
        addProvider(observer, "dubbo://10.0.0.2:20880/sub.Users?interface=sub.Users&weight=5&timestamp=1");
        addProvider(observer, "dubbo://10.0.0.3:20880/sub.Users?interface=sub.Users&group=g1&timestamp=1");
        addProvider(observer, "dubbo://10.0.0.4:20880/sub.Users?interface=sub.Users&version=2.0&timestamp=1");
        addProvider(observer, "tri://10.0.0.5:50051/sub.Users?interface=sub.Users&timestamp=1");
        addProvider(observer, "dubbo://10.0.0.6:20880/sub.Users?interface=sub.Users&disabled=true&timestamp=1");
        addProvider(observer, "dubbo://10.0.0.7:20880/sub.Users?interface=sub.Users&enabled=false&timestamp=1");
        observer.create().forPath("/dubbo/sub.Users/providers/not-a-url");

        try (ZookeeperRegistry r = ZkTestSupport.registry(zk.getConnectString(), "application=meshed-consumer")) {
            Recorder plain = new Recorder();
            Recorder grouped = new Recorder();
            Recorder anyVersion = new Recorder();
            Registry.Subscription s1 = r.subscribe(new ServiceKey("dubbo", svc, "", ""), Map.of("methods", "get"), plain);
            assertThat(r.subscribe(new ServiceKey("dubbo", svc, "", ""), Map.of(), plain)).isSameAs(s1);
            r.subscribe(new ServiceKey("dubbo", svc, "g1", ""), Map.of(), grouped);
            r.subscribe(new ServiceKey("dubbo", svc, "", "*"), Map.of(), anyVersion);

            await().atMost(Duration.ofSeconds(5)).until(() -> plain.last() != null && grouped.last() != null);
            assertThat(plain.addresses()).containsExactlyInAnyOrder("10.0.0.1:20880", "10.0.0.2:20880");
            assertThat(plain.deliveries).hasSize(1); // the initial set arrives once, complete
            ServiceInstance first = plain.last().get(0);
            assertThat(first.key()).isEqualTo(new ServiceKey("dubbo", svc, "", ""));
            assertThat(first.parameters()).containsEntry("methods", "get").containsEntry("side", "provider");
            assertThat(plain.last().get(1).weight()).isEqualTo(5);
            assertThat(grouped.addresses()).containsExactly("10.0.0.3:20880");
            assertThat(grouped.last().get(0).key().group()).isEqualTo("g1");
            await().atMost(Duration.ofSeconds(5)).until(() -> anyVersion.last() != null);
            assertThat(anyVersion.addresses()).containsExactlyInAnyOrder("10.0.0.1:20880", "10.0.0.2:20880", "10.0.0.4:20880");

            // consumer records: one per subscription, while subscribed
            await().atMost(Duration.ofSeconds(5)).until(() -> children(observer, "/dubbo/sub.Users/consumers").size() == 3);
            DubboUrl consumer = children(observer, "/dubbo/sub.Users/consumers").stream()
                    .filter(u -> u.parameters().containsKey("methods")).findFirst().orElseThrow();
            assertThat(consumer.protocol()).isEqualTo("consumer");
            assertThat(consumer.parameters()).containsEntry("category", "consumers").containsEntry("side", "consumer")
                    .containsEntry("interface", svc).containsEntry("application", "meshed-consumer");

            // an added provider reaches the listener within a second
            String added = addProvider(observer, "dubbo://10.0.0.8:20880/sub.Users?interface=sub.Users&timestamp=2");
            await().atMost(Duration.ofSeconds(1)).until(() -> plain.addresses().contains("10.0.0.8:20880"));
            assertThat(grouped.addresses()).containsExactly("10.0.0.3:20880");
            // an updated provider (same address, newer registration) replaces the old one
            addProvider(observer, "dubbo://10.0.0.8:20880/sub.Users?interface=sub.Users&timestamp=3&weight=7");
            await().atMost(Duration.ofSeconds(1)).until(() -> plain.last().stream()
                    .anyMatch(i -> i.address().equals("10.0.0.8:20880") && i.weight() == 7));
            assertThat(plain.last()).hasSize(3);
            // a removed provider too
            observer.delete().forPath("/dubbo/sub.Users/providers/"
                    + DubboUrl.parse("dubbo://10.0.0.1:20880/sub.Users?interface=sub.Users&methods=get&side=provider&timestamp=1").encoded());
            await().atMost(Duration.ofSeconds(1)).until(() -> !plain.addresses().contains("10.0.0.1:20880"));
            observer.delete().forPath(added);

            // a real removal of everything is delivered as an empty set
            Recorder g2 = grouped;
            observer.delete().forPath("/dubbo/sub.Users/providers/"
                    + DubboUrl.parse("dubbo://10.0.0.3:20880/sub.Users?interface=sub.Users&group=g1&timestamp=1").encoded());
            await().atMost(Duration.ofSeconds(1)).until(() -> g2.last().isEmpty());

            // after close: no more calls, consumer record removed
            int before = plain.deliveries.size();
            s1.close();
            s1.close();
            addProvider(observer, "dubbo://10.0.0.9:20880/sub.Users?interface=sub.Users&timestamp=4");
            await().atMost(Duration.ofSeconds(1)).until(() -> anyVersion.addresses().contains("10.0.0.9:20880"));
            assertThat(plain.deliveries).hasSize(before);
            await().atMost(Duration.ofSeconds(5)).until(() -> children(observer, "/dubbo/sub.Users/consumers").size() == 2);

            for (Recorder rec : List.of(plain, grouped, anyVersion)) {
                assertThat(rec.overlapped).isFalse();
                assertThat(rec.threads).allMatch(t -> t.startsWith("xmesh-zk-notify"));
            }
        }
    }

    @Test
    void ownPublicationsAreSeenBySubscribersOfTheSameRegistry() throws Exception {
        try (ZookeeperRegistry r = ZkTestSupport.registry(zk.getConnectString(), "")) {
            Recorder rec = new Recorder();
            r.subscribe(new ServiceKey("dubbo", "self.S", "", ""), Map.of(), rec);
            await().atMost(Duration.ofSeconds(5)).until(() -> rec.last() != null);
            assertThat(rec.last()).isEmpty(); // the folder is empty: that is the known set
            r.publish(instance("self.S", "", "", 3000, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(1)).until(() -> rec.addresses().equals(Set.of("127.0.0.1:3000")));
            r.unpublish(instance("self.S", "", "", 3000, Map.of()));
            await().atMost(Duration.ofSeconds(1)).until(() -> rec.last().isEmpty());
        }
    }

    @Test
    void aNodeDeletedBehindOurBackIsRepaired() throws Exception {
        try (ZookeeperRegistry r = ZkTestSupport.registry(zk.getConnectString(), "repairInterval=300")) {
            r.publish(instance("repair.S", "", "", 5000, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Recorder rec = new Recorder();
            r.subscribe(new ServiceKey("dubbo", "repair.S", "", ""), Map.of(), rec);
            await().atMost(Duration.ofSeconds(5)).until(() -> children(observer, "/dubbo/repair.S/consumers").size() == 1);
            String provider = observer.getChildren().forPath("/dubbo/repair.S/providers").get(0);
            String consumer = observer.getChildren().forPath("/dubbo/repair.S/consumers").get(0);
            observer.delete().forPath("/dubbo/repair.S/providers/" + provider);
            observer.delete().forPath("/dubbo/repair.S/consumers/" + consumer);
            await().atMost(Duration.ofSeconds(5)).until(() -> observer.checkExists().forPath("/dubbo/repair.S/providers/" + provider) != null
                    && observer.checkExists().forPath("/dubbo/repair.S/consumers/" + consumer) != null);
            assertThat(observer.checkExists().forPath("/dubbo/repair.S/providers/" + provider).getEphemeralOwner())
                    .isEqualTo(ZkTestSupport.session(r));
            await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.1:5000").equals(rec.addresses()));
        }
    }

    @Test
    void worksWhenUsedBeforeStart() throws Exception {
        ZookeeperRegistry r = new ZookeeperRegistryFactory().create(
                java.net.URI.create("zookeeper://" + zk.getConnectString() + "?timeout=3000"));
        try {
            Recorder rec = new Recorder();
            r.subscribe(new ServiceKey("dubbo", "early.S", "", ""), Map.of(), rec);
            CompletableFuture<Void> published = r.publish(instance("early.S", "", "", 4000, Map.of())).toCompletableFuture();
            assertThat(published).isNotDone();
            r.start();
            published.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> rec.addresses() != null && rec.addresses().equals(Set.of("127.0.0.1:4000")));
            assertThat(rec.sawEmpty()).isFalse();
        } finally {
            r.close();
        }
    }

    @Test
    void unpublishBeforeWrittenCancelsThePublication() throws Exception {
        ZookeeperRegistry r = new ZookeeperRegistryFactory().create(java.net.URI.create("zookeeper://" + zk.getConnectString()));
        try {
            CompletableFuture<Void> p = r.publish(instance("cancel.S", "", "", 4001, Map.of())).toCompletableFuture();
            r.unpublish(instance("cancel.S", "", "", 4001, Map.of())).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> p.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
            r.start();
            await().atMost(Duration.ofSeconds(5)).until(r::isConnected);
            assertThat(children(observer, "/dubbo/cancel.S/providers")).isEmpty();
        } finally {
            r.close();
        }
    }
}
