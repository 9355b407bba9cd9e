package io.xmesh.bootstrap.lb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin. The interleaved schedule (for weights 5, 1, 1: a a b a c a a) is
 * computed once per host set with the smooth algorithm (each step every host gains its weight,
 * the richest is picked and pays the total), so choosing is one atomic increment and an array
 * read. Weights are divided by their greatest common divisor and the schedule is capped at
 * {@link #MAX_SCHEDULE} entries (weights are scaled down proportionally beyond that).
 */
public final class WeightedRoundRobinBalancer<H extends LbHost> implements LoadBalancer<H> {
    static final int MAX_SCHEDULE = 4096;

    private final List<H> hosts;
    private final int[] schedule;
    private final AtomicInteger next = new AtomicInteger();

    public WeightedRoundRobinBalancer(List<H> hosts) {
        this.hosts = List.copyOf(hosts);
        this.schedule = buildSchedule(this.hosts);
    }

    static int[] buildSchedule(List<? extends LbHost> hosts) {
        int n = hosts.size();
        int[] w = new int[n];
        int g = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            w[i] = hosts.get(i).weight();
            g = gcd(g, w[i]);
            total += w[i];
        }
        if (total == 0) {
            return new int[0];
        }
        total = 0;
        for (int i = 0; i < n; i++) {
            w[i] /= g;
            total += w[i];
        }
        if (total > MAX_SCHEDULE) {
            double scale = (double) MAX_SCHEDULE / total;
            total = 0;
            for (int i = 0; i < n; i++) {
                if (w[i] > 0) {
                    w[i] = Math.max(1, (int) (w[i] * scale));
                }
                total += w[i];
            }
        }
        int[] sched = new int[(int) total];
        long[] current = new long[n];
        for (int s = 0; s < total; s++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (w[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            sched[s] = best;
        }
        return sched;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** The schedule as host indices (for tests). */
    List<Integer> schedule() {
        List<Integer> l = new ArrayList<>();
        for (int i : schedule) {
            l.add(i);
        }
        return l;
    }

    @Override
    public H choose(String hashValue, H exclude, long now) {
        int len = schedule.length;
        if (len == 0) {
            return null;
        }
        int start = next.getAndIncrement() & Integer.MAX_VALUE;
        H fallback = null;
        for (int i = 0; i < len; i++) {
            H h = hosts.get(schedule[(start + i) % len]);
            if (LoadBalancer.eligible(h, exclude, now)) {
                return h;
            }
            if (h == exclude && h.isAvailable(now)) {
                fallback = h;
            }
        }
        return fallback;
    }
}
