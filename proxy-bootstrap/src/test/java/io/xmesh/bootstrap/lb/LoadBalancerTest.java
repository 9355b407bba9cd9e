package io.xmesh.bootstrap.lb;

import io.xmesh.bootstrap.config.XmeshConfig.LbPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LoadBalancerTest {

    /** A host for the balancers: its state is set by the test. */
    static final class H implements LbHost {
        final String address;
        final int weight;
        int active;
        boolean available = true;

        H(String address, int weight) {
            this.address = address;
            this.weight = weight;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int activeRequests() {
            return active;
        }

        @Override
        public boolean isAvailable(long nowNanos) {
            return available;
        }

        @Override
        public String toString() {
            return address;
        }
    }

    static List<H> hosts(int... weights) {
        List<H> l = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            l.add(new H("10.0.0." + i + ":20880", weights[i]));
        }
        return l;
    }

    static Map<H, Integer> count(LoadBalancer<H> lb, int n, String key) {
        Map<H, Integer> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            H h = lb.choose(key, null, 0);
            m.merge(h, 1, Integer::sum);
        }
        return m;
    }

    @Test
    void roundRobinCyclesAndSkipsUnavailable() {
        List<H> hs = hosts(100, 100, 100);
        LoadBalancer<H> lb = LoadBalancer.create(LbPolicy.ROUND_ROBIN, hs);
        assertThat(count(lb, 300, null).values()).containsOnly(100);
        hs.get(1).available = false;
        Map<H, Integer> m = count(lb, 300, null);
        assertThat(m).doesNotContainKey(hs.get(1));
        assertThat(m.get(hs.get(0)) + m.get(hs.get(2))).isEqualTo(300);
        hs.forEach(h -> h.available = false);
        assertThat(lb.choose(null, null, 0)).isNull();
    }

    @Test
    void excludedHostIsAvoidedUnlessItIsTheOnlyOne() {
        List<H> hs = hosts(100, 100);
        for (LbPolicy p : LbPolicy.values()) {
            LoadBalancer<H> lb = LoadBalancer.create(p, hs);
            for (int i = 0; i < 50; i++) {
                assertThat(lb.choose("k" + i, hs.get(0), 0)).as(p.name()).isSameAs(hs.get(1));
            }
            hs.get(1).available = false;
            assertThat(lb.choose("k", hs.get(0), 0)).as(p.name()).isSameAs(hs.get(0));
            hs.get(1).available = true;
        }
    }

    @Test
    void randomFollowsWeights() {
        List<H> hs = hosts(300, 100);
        Map<H, Integer> m = count(LoadBalancer.create(LbPolicy.RANDOM, hs), 40_000, null);
        double share = m.get(hs.get(0)) / 40_000.0;
        assertThat(share).isBetween(0.72, 0.78);
    }

    @Test
    void weightedRoundRobinIsExactAndInterleaved() {
        List<H> hs = hosts(500, 100, 100);
        WeightedRoundRobinBalancer<H> lb = new WeightedRoundRobinBalancer<>(hs);
        assertThat(lb.schedule()).containsExactly(0, 0, 1, 0, 2, 0, 0);
        Map<H, Integer> m = count(lb, 700, null);
        assertThat(m).containsEntry(hs.get(0), 500).containsEntry(hs.get(1), 100).containsEntry(hs.get(2), 100);
        List<H> zero = hosts(0, 100);
        assertThat(count(new WeightedRoundRobinBalancer<>(zero), 10, null)).containsOnlyKeys(zero.get(1));
    }

    @Test
    void leastRequestPrefersTheLessLoadedHost() {
        List<H> hs = hosts(100, 100);
        hs.get(0).active = 10;
        hs.get(1).active = 1;
        Map<H, Integer> m = count(LoadBalancer.create(LbPolicy.LEAST_REQUEST, hs), 1000, null);
        assertThat(m).containsOnlyKeys(hs.get(1));
        // with weights: 10 active at weight 1000 beats 2 active at weight 100
        List<H> w = hosts(1000, 100);
        w.get(0).active = 10;
        w.get(1).active = 2;
        assertThat(count(LoadBalancer.create(LbPolicy.LEAST_REQUEST, w), 100, null)).containsOnlyKeys(w.get(0));
        // with many hosts, P2C never picks the most loaded one
        List<H> many = hosts(100, 100, 100, 100, 100);
        for (int i = 0; i < many.size(); i++) {
            many.get(i).active = i;
        }
        assertThat(count(LoadBalancer.create(LbPolicy.LEAST_REQUEST, many), 2000, null)).doesNotContainKey(many.get(4));
    }

    @Test
    void consistentHashIsStableAndMovesFewKeysWhenAHostGoes() {
        List<H> hs = hosts(100, 100, 100, 100);
        ConsistentHashBalancer<H> lb = new ConsistentHashBalancer<>(hs, 160);
        Map<String, H> before = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            String k = "user-" + i;
            H h = lb.choose(k, null, 0);
            assertThat(lb.choose(k, null, 0)).isSameAs(h);
            before.put(k, h);
        }
        // spread: every host gets a fair share (within 40% of the mean)
        Map<H, Integer> per = new HashMap<>();
        before.values().forEach(h -> per.merge(h, 1, Integer::sum));
        assertThat(per.values()).allSatisfy(n -> assertThat(n).isBetween(300, 700));
        // removing one host moves only its keys
        H gone = hs.get(2);
        gone.available = false;
        int moved = 0;
        for (Map.Entry<String, H> e : before.entrySet()) {
            H now = lb.choose(e.getKey(), null, 0);
            if (e.getValue() != gone) {
                assertThat(now).isSameAs(e.getValue());
            } else {
                assertThat(now).isNotSameAs(gone);
                moved++;
            }
        }
        assertThat(moved).isEqualTo(per.get(gone));
    }
}
