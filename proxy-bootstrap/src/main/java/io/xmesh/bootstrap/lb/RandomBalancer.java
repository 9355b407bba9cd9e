package io.xmesh.bootstrap.lb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Weighted random choice among the available hosts. */
public final class RandomBalancer<H extends LbHost> implements LoadBalancer<H> {
    private final List<H> hosts;

    public RandomBalancer(List<H> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public H choose(String hashValue, H exclude, long now) {
        H h = pick(exclude, now);
        if (h == null && exclude != null && exclude.weight() > 0 && exclude.isAvailable(now)) {
            return exclude;
        }
        return h;
    }

    private H pick(H exclude, long now) {
        long total = 0;
        for (H h : hosts) {
            if (LoadBalancer.eligible(h, exclude, now)) {
                total += h.weight();
            }
        }
        if (total == 0) {
            return null;
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        for (H h : hosts) {
            if (LoadBalancer.eligible(h, exclude, now)) {
                r -= h.weight();
                if (r < 0) {
                    return h;
                }
            }
        }
        return null;
    }
}
