package io.xmesh.registry.zookeeper;

import io.xmesh.registry.zookeeper.internal.RegistryConfig;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import io.xmesh.xprotocol.registry.RegistryFactory;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryFactoryTest {

    @Test
    void pluginsAreListedWithIdentity() {
        List<String> types = ServiceLoader.load(RegistryFactory.class).stream().map(p -> p.type().getName()).toList();
        assertThat(types).contains(ZookeeperRegistryFactory.class.getName(), EmbeddedRegistryFactory.class.getName());
        assertThat(ZookeeperRegistryFactory.class.getAnnotation(XmeshPlugin.class).name()).isEqualTo("zookeeper");
        assertThat(EmbeddedRegistryFactory.class.getAnnotation(XmeshPlugin.class).name()).isEqualTo("embedded");
    }

    @Test
    void createHasNoSideEffects() {
        int threads = Thread.activeCount();
        ZookeeperRegistry r = new ZookeeperRegistryFactory().create(URI.create("zookeeper://127.0.0.1:1?timeout=100"));
        ZookeeperRegistry e = new EmbeddedRegistryFactory().create(URI.create("embedded://127.0.0.1:0"));
        assertThat(r.isConnected()).isFalse();
        assertThat(r.curator()).isNull();
        assertThat(e.curator()).isNull();
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads);
        r.close();
        e.close();
        assertThatThrownBy(r::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void parsesRemoteAddresses() {
        RegistryConfig c = RegistryConfig.parse(URI.create(
                "zookeeper://10.0.0.1:2181,10.0.0.2?timeout=1500&sessionTimeout=9000&root=reg&backup=10.0.0.3:2182"), false);
        assertThat(c.embedded()).isFalse();
        assertThat(c.connectString()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2182");
        assertThat(c.connectionTimeoutMs()).isEqualTo(1500);
        assertThat(c.sessionTimeoutMs()).isEqualTo(9000);
        assertThat(c.root()).isEqualTo("/reg");
        assertThat(RegistryConfig.parse(URI.create("zookeeper://h"), false).root()).isEqualTo("/dubbo");
    }

    @Test
    void parsesEmbeddedAddresses() {
        RegistryConfig a = RegistryConfig.parse(URI.create("zookeeper://embedded?port=0&dataDir=/tmp/zz&tickTime=500"), false);
        assertThat(a.embedded()).isTrue();
        assertThat(a.embeddedPort()).isZero();
        assertThat(a.bindHost()).isEqualTo("127.0.0.1");
        assertThat(a.dataDir()).isEqualTo(Path.of("/tmp/zz"));
        assertThat(a.tickTime()).isEqualTo(500);
        assertThat(RegistryConfig.parse(URI.create("zookeeper://embedded:2999"), false).embeddedPort()).isEqualTo(2999);
        assertThat(RegistryConfig.parse(URI.create("zookeeper://embedded"), false).embeddedPort()).isEqualTo(2181);
        RegistryConfig b = RegistryConfig.parse(URI.create("embedded://0.0.0.0:3000"), true);
        assertThat(b.bindHost()).isEqualTo("0.0.0.0");
        assertThat(b.embeddedPort()).isEqualTo(3000);
        assertThat(b.connectString()).isEqualTo("127.0.0.1:3000");
        assertThat(RegistryConfig.parse(URI.create("embedded:///?port=7"), true).embeddedPort()).isEqualTo(7);
    }

    @Test
    void badAddressesNameTheBadPart() {
        ZookeeperRegistryFactory f = new ZookeeperRegistryFactory();
        assertThatThrownBy(() -> f.create(URI.create("zookeeper://h:1?timeuot=3"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter 'timeuot'");
        assertThatThrownBy(() -> f.create(URI.create("zookeeper://h:1?timeout=abc"))).hasMessageContaining("timeout");
        assertThatThrownBy(() -> f.create(URI.create("zookeeper://h:99999"))).hasMessageContaining("port");
        assertThatThrownBy(() -> f.create(URI.create("etcd://h:1"))).hasMessageContaining("scheme");
        assertThatThrownBy(() -> f.create(URI.create("zookeeper:///x"))).hasMessageContaining("no host:port");
        assertThatThrownBy(() -> f.create(URI.create("zookeeper://h:1?dataDir=/x"))).hasMessageContaining("dataDir");
        assertThatThrownBy(() -> f.create(URI.create("zookeeper://h:1?root=/"))).hasMessageContaining("root");
    }
}
