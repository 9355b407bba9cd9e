package io.xmesh.bootstrap.engine;

import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes in match order, plus an index that keeps first-match-wins semantics while trying
 * only the routes that can match: routes with an exact condition on the most common such header
 * (for Dubbo typically {@code service}) are bucketed by that value; a request tries its bucket
 * and the routes without such a condition, merged in route order. With 1,000 routes keyed on the
 * service, a request tries a handful instead of all of them.
 *
 * <p>Immutable; built off the event loops whenever the route table changes, read lock-free.
 */
final class RouteIndex {
    /** Below this many routes a plain scan is as fast as the index. */
    static final int MIN_INDEXED_ROUTES = 8;
    private static final int[] NONE = new int[0];

    static final RouteIndex EMPTY = new RouteIndex(new RouteEntry[0], null, Map.of(), NONE);

    final RouteEntry[] entries;
    private final String keyHeader;
    private final Map<String, int[]> byValue;
    private final int[] unkeyed;

    private RouteIndex(RouteEntry[] entries, String keyHeader, Map<String, int[]> byValue, int[] unkeyed) {
        this.entries = entries;
        this.keyHeader = keyHeader;
        this.byValue = byValue;
        this.unkeyed = unkeyed;
    }

    /** Indexes {@code entries} (not copied: the caller hands over a new array). */
    static RouteIndex of(RouteEntry[] entries) {
        if (entries.length < MIN_INDEXED_ROUTES) {
            return new RouteIndex(entries, null, Map.of(), NONE);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RouteEntry e : entries) {
            for (String h : e.exactHeaders()) {
                counts.merge(h, 1, Integer::sum);
            }
        }
        String key = null;
        int best = 0;
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            if (c.getValue() > best) {
                key = c.getKey();
                best = c.getValue();
            }
        }
        if (key == null || best < MIN_INDEXED_ROUTES) {
            return new RouteIndex(entries, null, Map.of(), NONE);
        }
        Map<String, List<Integer>> buckets = new HashMap<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            String v = entries[i].exactValue(key);
            if (v == null) {
                rest.add(i);
            } else {
                buckets.computeIfAbsent(v, x -> new ArrayList<>()).add(i);
            }
        }
        Map<String, int[]> byValue = new HashMap<>();
        buckets.forEach((v, l) -> byValue.put(v, l.stream().mapToInt(Integer::intValue).toArray()));
        return new RouteIndex(entries, key, Map.copyOf(byValue), rest.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The first route, in route order, that matches; null when none does. Same answer as trying
     * every route in order.
     *
     * @param frame the request, <b>borrowed</b>
     * @throws CodecException when a routing header the routes need cannot be read
     */
    RouteEntry match(String listener, XFrame frame) {
        if (keyHeader == null) {
            return scan(listener, frame);
        }
        String value;
        try {
            value = frame.header(keyHeader);
        } catch (CodecException e) {
            // an unreadable key header may not matter to an earlier route: decide as a scan would
            return scan(listener, frame);
        }
        int[] keyed = value == null ? NONE : byValue.getOrDefault(value, NONE);
        int i = 0;
        int j = 0;
        while (i < keyed.length || j < unkeyed.length) {
            int next = j >= unkeyed.length || (i < keyed.length && keyed[i] < unkeyed[j]) ? keyed[i++] : unkeyed[j++];
            if (entries[next].matches(listener, frame)) {
                return entries[next];
            }
        }
        return null;
    }

    private RouteEntry scan(String listener, XFrame frame) {
        for (RouteEntry e : entries) {
            if (e.matches(listener, frame)) {
                return e;
            }
        }
        return null;
    }
}
