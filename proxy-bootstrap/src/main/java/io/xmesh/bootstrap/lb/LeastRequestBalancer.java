package io.xmesh.bootstrap.lb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least request by the power of two choices: two distinct available hosts are drawn at random
 * and the one with fewer in-flight requests per unit of weight wins (ties: the first draw).
 */
public final class LeastRequestBalancer<H extends LbHost> implements LoadBalancer<H> {
    private final List<H> hosts;

    public LeastRequestBalancer(List<H> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public H choose(String hashValue, H exclude, long now) {
        int n = hosts.size();
        if (n == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        H a = null;
        H b = null;
        // A few random probes find two eligible hosts quickly when most are healthy...
        for (int i = 0; i < 4 && b == null; i++) {
            H h = hosts.get(rnd.nextInt(n));
            if (!LoadBalancer.eligible(h, exclude, now) || h == a) {
                continue;
            }
            if (a == null) {
                a = h;
            } else {
                b = h;
            }
        }
        if (b == null) {
            // ...otherwise scan from a random start.
            int start = rnd.nextInt(n);
            for (int i = 0; i < n && b == null; i++) {
                H h = hosts.get((start + i) % n);
                if (!LoadBalancer.eligible(h, exclude, now) || h == a) {
                    continue;
                }
                if (a == null) {
                    a = h;
                } else {
                    b = h;
                }
            }
        }
        if (a == null) {
            return exclude != null && exclude.weight() > 0 && exclude.isAvailable(now) ? exclude : null;
        }
        if (b == null) {
            return a;
        }
        // Compare active/weight without division: a.active * b.weight <= b.active * a.weight
        long la = (long) a.activeRequests() * b.weight();
        long lb = (long) b.activeRequests() * a.weight();
        return la <= lb ? a : b;
    }
}
