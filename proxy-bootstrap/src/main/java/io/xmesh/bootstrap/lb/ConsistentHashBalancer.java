package io.xmesh.bootstrap.lb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Consistent hashing on a request header: a ring of virtual nodes ({@code virtualNodes} per
 * host at weight 100, proportional to the weight), built once per host set. A request goes to
 * the first available host clockwise from the hash of its header value, so adding or removing a
 * host moves only the keys of that host. Requests without the header get a random host.
 */
public final class ConsistentHashBalancer<H extends LbHost> implements LoadBalancer<H> {
    /** Virtual nodes for a host of weight 100. */
    public static final int DEFAULT_VIRTUAL_NODES = 160;

    private final List<H> hosts;
    private final long[] ring;
    private final int[] owner;

    public ConsistentHashBalancer(List<H> hosts, int virtualNodes) {
        this.hosts = List.copyOf(hosts);
        int total = 0;
        int[] counts = new int[this.hosts.size()];
        for (int i = 0; i < counts.length; i++) {
            int w = this.hosts.get(i).weight();
            counts[i] = w == 0 ? 0 : Math.max(1, (int) ((long) virtualNodes * w / 100));
            total += counts[i];
        }
        long[] points = new long[total];
        int[] owners = new int[total];
        int k = 0;
        for (int i = 0; i < counts.length; i++) {
            String addr = this.hosts.get(i).address();
            for (int v = 0; v < counts[i]; v++) {
                points[k] = hash(addr + "#" + v);
                owners[k] = i;
                k++;
            }
        }
        // sort points with their owners
        Integer[] idx = new Integer[total];
        for (int i = 0; i < total; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(points[a], points[b]));
        this.ring = new long[total];
        this.owner = new int[total];
        for (int i = 0; i < total; i++) {
            ring[i] = points[idx[i]];
            owner[i] = owners[idx[i]];
        }
    }

    /** 64-bit FNV-1a of the UTF-8 bytes, finished with a murmur3 mix for dispersion. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public H choose(String hashValue, H exclude, long now) {
        if (ring.length == 0) {
            return null;
        }
        int pos;
        if (hashValue == null) {
            pos = ThreadLocalRandom.current().nextInt(ring.length);
        } else {
            long h = hash(hashValue);
            pos = Arrays.binarySearch(ring, h);
            if (pos < 0) {
                pos = -pos - 1;
            }
        }
        H fallback = null;
        for (int i = 0; i < ring.length; i++) {
            H h = hosts.get(owner[(pos + i) % ring.length]);
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
