/**
 * The ZooKeeper registry plugin: publishes and watches services in the ZooKeeper layout Apache Dubbo uses
 * ({@code /dubbo/<interface>/providers/<URL-encoded URL>}), so meshed and non-meshed Dubbo applications find each
 * other; and an embedded ZooKeeper server. Entry points: {@link io.xmesh.registry.zookeeper.ZookeeperRegistryFactory}
 * ({@code zookeeper://}) and {@link io.xmesh.registry.zookeeper.EmbeddedRegistryFactory} ({@code embedded://}).
 * Everything in {@code internal} is not API.
 */
package io.xmesh.registry.zookeeper;
