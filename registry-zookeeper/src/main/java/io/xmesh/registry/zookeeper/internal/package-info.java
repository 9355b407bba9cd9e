/** Implementation details of the ZooKeeper registry; not API. */
package io.xmesh.registry.zookeeper.internal;
