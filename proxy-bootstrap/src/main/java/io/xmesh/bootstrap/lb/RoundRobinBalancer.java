package io.xmesh.bootstrap.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Round robin over the available hosts, ignoring weights. Lock-free (one shared counter). */
public final class RoundRobinBalancer<H extends LbHost> implements LoadBalancer<H> {
    private final List<H> hosts;
    private final AtomicInteger next = new AtomicInteger();

    public RoundRobinBalancer(List<H> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public H choose(String hashValue, H exclude, long now) {
        int n = hosts.size();
        if (n == 0) {
            return null;
        }
        int start = next.getAndIncrement() & Integer.MAX_VALUE;
        H fallback = null;
        for (int i = 0; i < n; i++) {
            H h = hosts.get((start + i) % n);
            if (LoadBalancer.eligible(h, exclude, now)) {
                return h;
            }
            if (h == exclude && h.weight() > 0 && h.isAvailable(now)) {
                fallback = h;
            }
        }
        return fallback;
    }
}
