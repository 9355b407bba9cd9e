package io.xmesh.registry.zookeeper;

import io.xmesh.registry.zookeeper.internal.DubboUrl;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Helpers: a plain Curator client acting as "somebody else" (a foreign provider, an operator). */
final class ZkTestSupport {
    private ZkTestSupport() {
    }

    static CuratorFramework observer(String connectString) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connectString, 10_000, 3_000, new RetryNTimes(10, 200));
        c.start();
        if (!c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("observer could not connect to " + connectString);
        }
        return c;
    }

    static ZookeeperRegistry registry(String connectString, String extra) {
        ZookeeperRegistry r = new ZookeeperRegistryFactory().create(URI.create("zookeeper://" + connectString
                + "?timeout=3000" + (extra.isEmpty() ? "" : "&" + extra)));
        r.start();
        return r;
    }

    /** Children of a providers/consumers folder, decoded. */
    static List<DubboUrl> children(CuratorFramework c, String path) throws Exception {
        List<DubboUrl> out = new ArrayList<>();
        if (c.checkExists().forPath(path) == null) {
            return out;
        }
        for (String name : c.getChildren().forPath(path)) {
            out.add(DubboUrl.decode(name));
        }
        return out;
    }

    /** The ephemeral owner of every child of {@code path}. */
    static List<Long> owners(CuratorFramework c, String path) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String name : c.getChildren().forPath(path)) {
            Stat s = c.checkExists().forPath(path + "/" + name);
            if (s != null) {
                out.add(s.getEphemeralOwner());
            }
        }
        return out;
    }

    /** Writes a provider node the way a Dubbo provider would (ephemeral, in the observer's session). */
    static String addProvider(CuratorFramework c, String url) throws Exception {
        return addProvider(c, url, CreateMode.EPHEMERAL);
    }

    /** Writes a provider node; PERSISTENT for one that must outlive the writing client. */
    static String addProvider(CuratorFramework c, String url, CreateMode mode) throws Exception {
        DubboUrl u = DubboUrl.parse(url);
        String path = "/dubbo/" + u.parameter("interface", u.path()) + "/providers/" + u.encoded();
        c.create().creatingParentsIfNeeded().withMode(mode).forPath(path);
        return path;
    }

    static long session(ZookeeperRegistry r) throws Exception {
        return r.curator().getZookeeperClient().getZooKeeper().getSessionId();
    }
}
