package io.xmesh.registry.zookeeper;

import com.google.auto.service.AutoService;
import io.xmesh.registry.zookeeper.internal.RegistryConfig;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import io.xmesh.xprotocol.registry.Registry;
import io.xmesh.xprotocol.registry.RegistryFactory;

import java.net.URI;

/**
 * The default registry for one machine: {@code embedded://[bind-address][:port][?dataDir=...]} starts a real
 * ZooKeeper server inside xmesh (default {@code 127.0.0.1:2181}, temporary data) and registers in it exactly like
 * {@code zookeeper://}; Dubbo applications on the machine use {@code zookeeper://127.0.0.1:2181}. Equivalent to
 * {@code zookeeper://embedded:2181}. The server starts in {@link Registry#start()} and stops in
 * {@link Registry#close()}; {@link #create} has no side effects. Thread-safe.
 */
@XmeshPlugin(name = "embedded", order = 110, description = "embedded ZooKeeper server + ZooKeeper registry")
@AutoService(RegistryFactory.class)
public final class EmbeddedRegistryFactory implements RegistryFactory {

    /** No side effects. */
    public EmbeddedRegistryFactory() {
    }

    @Override
    public ZookeeperRegistry create(URI address) {
        return new ZookeeperRegistry(RegistryConfig.parse(address, true));
    }
}
