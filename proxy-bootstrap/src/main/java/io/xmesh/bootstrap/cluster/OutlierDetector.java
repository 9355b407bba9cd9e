package io.xmesh.bootstrap.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Passive outlier detection for one cluster: hosts that fail are ejected (taken out of load balancing) for a
 * time that grows with every ejection in a row, at most {@code maxEjectionPercent} of the cluster at once, and
 * are probed back when the time is over.
 *
 * <h2>When a host is ejected</h2>
 * <ul>
 *   <li><b>Consecutive failures</b>: {@code consecutiveFailures} failures in a row (server-error responses,
 *       resets, timeouts, connect failures; any success resets the streak).</li>
 *   <li><b>Connect failure</b>: at once, when {@code ejectOnConnectFailure}.</li>
 *   <li><b>Error rate</b>: every {@code interval}, a host with at least {@code errorRateMinimumRequests} outcomes
 *       in that interval and at least {@code errorRatePercent} % failures (0 turns this off). Evaluated by the
 *       first outcome reported after the interval ends, so no timer is needed.</li>
 *   <li><b>Probe failure</b>: the first outcome of a host whose ejection time is over is its probe: a failure
 *       ejects it again at once (for longer); a success brings it fully back and resets the growth.</li>
 * </ul>
 * The n-th ejection in a row lasts {@code baseEjectionTime * 2^(n-1)}, capped at {@code maxEjectionTime}.
 *
 * <h2>Ejection cap</h2>
 * An ejection is skipped (and counted) when it would put more than {@code max(1, hosts * maxEjectionPercent /
 * 100)} hosts into ejection at the same time ({@code maxEjectionPercent} 0: never eject). As in other meshes,
 * one host may always be ejected, even from a cluster of one; the engine then answers "no healthy host".
 *
 * <h2>Threading</h2>
 * Thread-safe, shared by all event loops. Reporting an outcome is lock-free on the common path (atomics and
 * adders); ejecting, un-ejecting after a probe and the periodic error-rate pass take the detector's monitor,
 * which is rare. Never blocks on I/O. Times are {@link System#nanoTime()} values passed by the caller.
 */
public final class OutlierDetector {

    /** What happened to a request sent to a host. */
    public enum Outcome {
        /** An answer that is not a server error. */
        SUCCESS,
        /** A server-error response (Dubbo status not OK, HTTP 5xx) or the connection reset in flight. */
        ERROR,
        /** No answer in time. */
        TIMEOUT,
        /** The connection could not be made. */
        CONNECT_FAILURE
    }

    /**
     * Settings.
     *
     * @param consecutiveFailures      failures in a row that eject a host (at least 1)
     * @param ejectOnConnectFailure    whether one connect failure ejects at once
     * @param errorRatePercent         failure percentage over an interval that ejects (0 = off), 0..100
     * @param errorRateMinimumRequests outcomes a host needs in an interval to be judged by its error rate
     * @param interval                 length of the error-rate window
     * @param baseEjectionTime         first ejection time; doubles for every ejection in a row
     * @param maxEjectionTime          cap of the ejection time
     * @param maxEjectionPercent       most hosts of the cluster ejected at once, in percent (at least one)
     */
    public record Settings(int consecutiveFailures, boolean ejectOnConnectFailure, int errorRatePercent,
                           int errorRateMinimumRequests, Duration interval, Duration baseEjectionTime,
                           Duration maxEjectionTime, int maxEjectionPercent) {

        /** 5 in a row, connect failure ejects, 50 % of at least 20 per 10 s, 1 s doubling to 30 s, 50 % of the cluster. */
        public static final Settings DEFAULT = new Settings(5, true, 50, 20, Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(30), 50);

        public Settings {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
            Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("consecutiveFailures must be at least 1");
            }
            if (errorRatePercent < 0 || errorRatePercent > 100) {
                throw new IllegalArgumentException("errorRatePercent must be 0..100");
            }
            if (errorRateMinimumRequests < 1) {
                throw new IllegalArgumentException("errorRateMinimumRequests must be at least 1");
            }
            if (interval.isNegative() || interval.isZero() || baseEjectionTime.isNegative() || baseEjectionTime.isZero()) {
                throw new IllegalArgumentException("interval and baseEjectionTime must be positive");
            }
            if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
                throw new IllegalArgumentException("maxEjectionTime must be at least baseEjectionTime");
            }
            if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
                throw new IllegalArgumentException("maxEjectionPercent must be 0..100");
            }
        }
    }

    /** The health of one host as the detector sees it. Create with {@link #track}. */
    public static final class HostHealth {
        private final String address;
        private final AtomicInteger consecutive = new AtomicInteger();
        private final LongAdder windowSuccesses = new LongAdder();
        private final LongAdder windowFailures = new LongAdder();
        private volatile boolean ejected;
        private volatile long ejectedUntilNanos;
        private int ejectionsInARow;
        private final LongAdder ejections = new LongAdder();

        HostHealth(String address) {
            this.address = address;
        }

        /** {@code host:port}. */
        public String address() {
            return address;
        }

        /** Whether the host may be chosen at {@code nowNanos}: not ejected, or its ejection time is over. */
        public boolean isAvailable(long nowNanos) {
            return !ejected || nowNanos - ejectedUntilNanos >= 0;
        }

        /** Whether the host is inside an ejection period at {@code nowNanos}. */
        public boolean isEjected(long nowNanos) {
            return ejected && nowNanos - ejectedUntilNanos < 0;
        }

        /** Whether the ejection time is over but no probe has answered yet. */
        public boolean isProbing(long nowNanos) {
            return ejected && nowNanos - ejectedUntilNanos >= 0;
        }

        /** Failures in a row so far. */
        public int consecutiveFailures() {
            return consecutive.get();
        }

        /** Times this host was ejected. */
        public long ejectionCount() {
            return ejections.sum();
        }

        /** Nanoseconds of ejection left at {@code nowNanos}, 0 when none. */
        public long ejectedForNanos(long nowNanos) {
            long left = ejectedUntilNanos - nowNanos;
            return ejected && left > 0 ? left : 0;
        }

        @Override
        public String toString() {
            return address;
        }
    }

    private final String cluster;
    private volatile Settings settings;
    private final List<HostHealth> hosts = new CopyOnWriteArrayList<>();
    private final AtomicLong windowStart;
    private final LongAdder ejections = new LongAdder();
    private final LongAdder ejectionsSkipped = new LongAdder();
    private final BiConsumer<HostHealth, String> onEject;

    /**
     * @param cluster  the cluster's name, for messages
     * @param settings the settings
     * @param nowNanos the current {@link System#nanoTime()}: the first error-rate window starts now
     * @param onEject  told (under the detector's monitor, keep it short: e.g. log) of every ejection with the
     *                 reason; may be a no-op
     */
    public OutlierDetector(String cluster, Settings settings, long nowNanos, BiConsumer<HostHealth, String> onEject) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.windowStart = new AtomicLong(nowNanos);
        this.onEject = Objects.requireNonNull(onEject, "onEject");
    }

    /** Starts tracking a host (a new member of the cluster). */
    public HostHealth track(String address) {
        HostHealth h = new HostHealth(Objects.requireNonNull(address, "address"));
        hosts.add(h);
        return h;
    }

    /** Stops tracking a host that left the cluster. */
    public void forget(HostHealth h) {
        hosts.remove(h);
    }

    /** Hosts tracked. */
    public int hostCount() {
        return hosts.size();
    }

    /** Replaces the settings (reconfiguration); any thread. */
    public void settings(Settings s) {
        this.settings = Objects.requireNonNull(s, "settings");
    }

    /** The current settings. */
    public Settings settings() {
        return settings;
    }

    /**
     * Reports the outcome of one request to {@code h}. Any thread; never blocks for long.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     */
    public void report(HostHealth h, Outcome outcome, long nowNanos) {
        Settings s = settings;
        if (outcome == Outcome.SUCCESS) {
            if (h.consecutive.get() != 0) {
                h.consecutive.set(0);
            }
            h.windowSuccesses.increment();
            if (h.ejected && h.isProbing(nowNanos)) {
                probeSucceeded(h, nowNanos);
            }
        } else {
            h.windowFailures.increment();
            int streak = h.consecutive.incrementAndGet();
            if (h.isProbing(nowNanos)) {
                eject(h, nowNanos, "probe failed: " + describe(outcome));
            } else if (outcome == Outcome.CONNECT_FAILURE && s.ejectOnConnectFailure()) {
                eject(h, nowNanos, "connect failure");
            } else if (streak >= s.consecutiveFailures()) {
                eject(h, nowNanos, streak + " failures in a row, the last " + describe(outcome));
            }
        }
        long start = windowStart.get();
        if (nowNanos - start >= s.interval().toNanos() && windowStart.compareAndSet(start, nowNanos)) {
            evaluateErrorRates(s, nowNanos);
        }
    }

    private static String describe(Outcome o) {
        return switch (o) {
            case ERROR -> "an error";
            case TIMEOUT -> "a timeout";
            case CONNECT_FAILURE -> "a connect failure";
            case SUCCESS -> "a success";
        };
    }

    private synchronized void probeSucceeded(HostHealth h, long nowNanos) {
        if (h.ejected && h.isProbing(nowNanos)) {
            h.ejected = false;
            h.ejectionsInARow = 0;
        }
    }

    /** The periodic pass: ejects hosts whose failure share in the ended window is too high; starts a new window. */
    private synchronized void evaluateErrorRates(Settings s, long nowNanos) {
        for (HostHealth h : hosts) {
            long failures = h.windowFailures.sumThenReset();
            long successes = h.windowSuccesses.sumThenReset();
            long total = failures + successes;
            if (s.errorRatePercent() > 0 && total >= s.errorRateMinimumRequests()
                    && failures * 100 >= (long) s.errorRatePercent() * total) {
                eject(h, nowNanos, "error rate " + (failures * 100 / total) + "% of " + total + " requests"
                        + " (threshold " + s.errorRatePercent() + "%)");
            }
        }
    }

    /** Ejects {@code h} unless it is already ejected or the cap is reached. */
    private synchronized void eject(HostHealth h, long nowNanos, String why) {
        if (h.isEjected(nowNanos) || !hosts.contains(h)) {
            return;
        }
        Settings s = settings;
        boolean reEject = h.ejected; // probing: it already counts as ejected
        if (!reEject) {
            int ejectedNow = 0;
            for (HostHealth o : hosts) {
                if (o.ejected) {
                    ejectedNow++;
                }
            }
            int allowed = s.maxEjectionPercent() == 0 ? 0 : Math.max(1, hosts.size() * s.maxEjectionPercent() / 100);
            if (ejectedNow >= allowed) {
                ejectionsSkipped.increment();
                h.consecutive.set(0);
                return;
            }
        }
        int n = ++h.ejectionsInARow;
        long base = s.baseEjectionTime().toNanos();
        long max = s.maxEjectionTime().toNanos();
        long d = n > 62 || base > (max >> Math.min(62, n - 1)) ? max : Math.min(max, base << (n - 1));
        h.ejectedUntilNanos = nowNanos + d;
        h.ejected = true;
        h.consecutive.set(0);
        h.ejections.increment();
        ejections.increment();
        onEject.accept(h, "host " + h.address + " of cluster '" + cluster + "' ejected for "
                + TimeUnit.NANOSECONDS.toMillis(d) + " ms: " + why);
    }

    /** Hosts inside an ejection period, or probing after one, at {@code nowNanos}. */
    public int ejectedCount() {
        int n = 0;
        for (HostHealth h : hosts) {
            if (h.ejected) {
                n++;
            }
        }
        return n;
    }

    /** Ejections so far. */
    public long ejectionCount() {
        return ejections.sum();
    }

    /** Ejections skipped because of the {@code maxEjectionPercent} cap. */
    public long ejectionsSkippedCount() {
        return ejectionsSkipped.sum();
    }
}
