package io.xmesh.registry.zookeeper;

import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded ZooKeeper server: a real server in this JVM, started by start() and stopped by close(). */
class EmbeddedRegistryTest {

    static final ServiceKey KEY = new ServiceKey("dubbo", "emb.Echo", "", "");

    @Test
    void startPublishSubscribeClose() throws Exception {
        ZookeeperRegistry embedded = new ZookeeperRegistryFactory().create(URI.create("zookeeper://embedded?port=0&tickTime=500"));
        assertThat(embedded.connectString()).isEqualTo("127.0.0.1:0"); // nothing started yet
        embedded.start();
        int port = Integer.parseInt(embedded.connectString().substring(embedded.connectString().lastIndexOf(':') + 1));
        assertThat(port).isPositive();
        try {
            embedded.publish(new ServiceInstance(KEY, "127.0.0.1", 9001, 100, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
            // another process would connect with an ordinary address
            try (ZookeeperRegistry other = ZkTestSupport.registry(embedded.connectString(), "")) {
                Recorder rec = new Recorder();
                other.subscribe(KEY, Map.of(), rec);
                await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.1:9001").equals(rec.addresses()));
                other.publish(new ServiceInstance(KEY, "127.0.0.1", 9002, 100, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
                Recorder own = new Recorder();
                embedded.subscribe(KEY, Map.of(), own);
                await().atMost(Duration.ofSeconds(5)).until(() -> Set.of("127.0.0.1:9001", "127.0.0.1:9002").equals(own.addresses()));
                other.close(); // stop clients before the server, like Dubbo apps
            }
        } finally {
            embedded.close();
        }
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void embeddedSchemeWithADataDirectoryKeepsPersistentData(@TempDir Path dir) throws Exception {
        URI uri = URI.create("embedded://127.0.0.1:0?dataDir=" + dir.resolve("zk") + "&tickTime=500");
        try (ZookeeperRegistry first = new EmbeddedRegistryFactory().create(uri)) {
            first.start();
            first.publish(new ServiceInstance(KEY, "127.0.0.1", 9003, 100, Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(Files.list(dir.resolve("zk")).toList()).isNotEmpty();
        try (ZookeeperRegistry second = new EmbeddedRegistryFactory().create(uri)) {
            second.start();
            await().atMost(Duration.ofSeconds(5)).until(second::isConnected);
            // the persistent folders survived the restart; the ephemeral provider did not (its session was closed)
            assertThat(second.curator().checkExists().forPath("/dubbo/emb.Echo/routers")).isNotNull();
            assertThat(second.curator().getChildren().forPath("/dubbo/emb.Echo/providers")).isEmpty();
        }
    }

    @Test
    void aTakenPortFailsStartWithAClearMessage() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ZookeeperRegistry r = new EmbeddedRegistryFactory().create(URI.create("embedded://127.0.0.1:" + taken.getLocalPort()));
            assertThatThrownBy(r::start).hasMessageContaining("embedded ZooKeeper could not start on 127.0.0.1:" + taken.getLocalPort());
            r.close();
        }
    }
}
