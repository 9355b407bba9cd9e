package io.xmesh.registry.zookeeper;

import com.google.auto.service.AutoService;
import io.xmesh.registry.zookeeper.internal.RegistryConfig;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import io.xmesh.xprotocol.registry.Registry;
import io.xmesh.xprotocol.registry.RegistryFactory;

import java.net.URI;

/**
 * Creates {@link ZookeeperRegistry} instances for {@code zookeeper://} addresses:
 * <pre>
 * zookeeper://127.0.0.1:2181?timeout=3000                 a ZooKeeper server or ensemble (host:port,host:port...)
 * zookeeper://embedded?port=2181&amp;dataDir=/var/lib/zk      start a real ZooKeeper server in this process
 * </pre>
 * Parameters are described in {@link RegistryConfig}. Stateless; {@link #create} only parses the address
 * (no thread, socket or file is touched until {@link Registry#start()}). Thread-safe.
 */
@XmeshPlugin(name = "zookeeper", order = 100, description = "ZooKeeper registry in Apache Dubbo's layout (Curator)")
@AutoService(RegistryFactory.class)
public final class ZookeeperRegistryFactory implements RegistryFactory {

    /** No side effects. */
    public ZookeeperRegistryFactory() {
    }

    @Override
    public ZookeeperRegistry create(URI address) {
        return new ZookeeperRegistry(RegistryConfig.parse(address, false));
    }
}
