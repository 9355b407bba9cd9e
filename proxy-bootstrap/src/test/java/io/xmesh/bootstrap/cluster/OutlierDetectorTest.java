package io.xmesh.bootstrap.cluster;

import io.xmesh.bootstrap.cluster.OutlierDetector.HostHealth;
import io.xmesh.bootstrap.cluster.OutlierDetector.Outcome;
import io.xmesh.bootstrap.cluster.OutlierDetector.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutlierDetectorTest {

    private static final long MS = 1_000_000L;
    private long now = 1_000 * MS;
    private final List<String> log = new ArrayList<>();

    private OutlierDetector detector(Settings s) {
        return new OutlierDetector("orders", s, now, (h, why) -> log.add(why));
    }

    private static Settings settings(int consecutive, int errorRate, int maxPercent) {
        return new Settings(consecutive, true, errorRate, 10, Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofMillis(1000), maxPercent);
    }

    private void report(OutlierDetector d, HostHealth h, Outcome o, int times) {
        for (int i = 0; i < times; i++) {
            d.report(h, o, now);
        }
    }

    @Test
    void consecutiveFailuresEjectAndASuccessResetsTheStreak() {
        OutlierDetector d = detector(settings(3, 0, 100));
        HostHealth a = d.track("10.0.0.1:20880");
        d.track("10.0.0.2:20880");
        report(d, a, Outcome.ERROR, 2);
        report(d, a, Outcome.SUCCESS, 1);
        report(d, a, Outcome.TIMEOUT, 2);
        assertThat(a.isAvailable(now)).isTrue();
        report(d, a, Outcome.ERROR, 1);
        assertThat(a.isAvailable(now)).isFalse();
        assertThat(a.isEjected(now)).isTrue();
        assertThat(log).containsExactly("host 10.0.0.1:20880 of cluster 'orders' ejected for 100 ms: 3 failures in a row, the last an error");
        assertThat(d.ejectedCount()).isEqualTo(1);
    }

    @Test
    void ejectionTimeGrowsWhileProbesFailAndResetsAfterASuccessfulProbe() {
        OutlierDetector d = detector(settings(1, 0, 100));
        HostHealth a = d.track("a:1");
        d.track("b:1");
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (long ms : expected) {
            report(d, a, Outcome.ERROR, 1);
            assertThat(a.ejectedForNanos(now)).isEqualTo(ms * MS);
            now += ms * MS - 1;
            assertThat(a.isAvailable(now)).isFalse();
            now += 1;
            assertThat(a.isAvailable(now)).isTrue();
            assertThat(a.isProbing(now)).isTrue();
        }
        assertThat(a.ejectionCount()).isEqualTo(6);
        report(d, a, Outcome.SUCCESS, 1);
        assertThat(a.isProbing(now)).isFalse();
        assertThat(d.ejectedCount()).isZero();
        report(d, a, Outcome.ERROR, 1);
        assertThat(a.ejectedForNanos(now)).isEqualTo(100 * MS);
    }

    @Test
    void probeFailureEjectsAgainEvenBelowTheConsecutiveThreshold() {
        OutlierDetector d = detector(settings(5, 0, 100));
        HostHealth a = d.track("a:1");
        report(d, a, Outcome.ERROR, 5);
        now += 100 * MS;
        assertThat(a.isAvailable(now)).isTrue();
        report(d, a, Outcome.TIMEOUT, 1);
        assertThat(a.isEjected(now)).isTrue();
        assertThat(a.ejectedForNanos(now)).isEqualTo(200 * MS);
        assertThat(log.get(1)).endsWith("probe failed: a timeout");
    }

    @Test
    void connectFailureEjectsAtOnceUnlessDisabled() {
        OutlierDetector d = detector(settings(5, 0, 100));
        HostHealth a = d.track("a:1");
        report(d, a, Outcome.CONNECT_FAILURE, 1);
        assertThat(a.isEjected(now)).isTrue();

        OutlierDetector lenient = detector(new Settings(5, false, 0, 10, Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(1), 100));
        HostHealth b = lenient.track("b:1");
        report(lenient, b, Outcome.CONNECT_FAILURE, 4);
        assertThat(b.isEjected(now)).isFalse();
        report(lenient, b, Outcome.CONNECT_FAILURE, 1);
        assertThat(b.isEjected(now)).isTrue();
    }

    @Test
    void atMostMaxEjectionPercentButAlwaysOneHost() {
        OutlierDetector d = detector(settings(1, 0, 30));
        List<HostHealth> hosts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hosts.add(d.track("h" + i + ":1"));
        }
        for (HostHealth h : hosts) {
            report(d, h, Outcome.ERROR, 1);
        }
        assertThat(d.ejectedCount()).isEqualTo(3);
        assertThat(d.ejectionsSkippedCount()).isEqualTo(7);
        assertThat(hosts.stream().filter(h -> h.isAvailable(now)).count()).isEqualTo(7);

        OutlierDetector single = detector(settings(1, 0, 10));
        HostHealth only = single.track("only:1");
        report(single, only, Outcome.ERROR, 1);
        assertThat(only.isEjected(now)).isTrue();

        OutlierDetector never = detector(settings(1, 0, 0));
        HostHealth h = never.track("h:1");
        report(never, h, Outcome.ERROR, 3);
        assertThat(h.isAvailable(now)).isTrue();
        assertThat(never.ejectionsSkippedCount()).isEqualTo(3);
    }

    @Test
    void aProbingHostStillCountsTowardsTheCapAndMayBeReEjected() {
        OutlierDetector d = detector(settings(1, 0, 50));
        HostHealth a = d.track("a:1");
        HostHealth b = d.track("b:1");
        report(d, a, Outcome.ERROR, 1);
        now += 100 * MS; // a is probing now
        report(d, b, Outcome.ERROR, 1);
        assertThat(b.isEjected(now)).isFalse(); // a still counts: 1 of 2 = 50 %
        report(d, a, Outcome.ERROR, 1);
        assertThat(a.isEjected(now)).isTrue(); // re-ejecting a probing host does not need room
    }

    @Test
    void highErrorRateEjectsAtTheEndOfTheInterval() {
        OutlierDetector d = detector(settings(1000, 50, 100));
        HostHealth bad = d.track("bad:1");
        HostHealth good = d.track("good:1");
        HostHealth quiet = d.track("quiet:1");
        for (int i = 0; i < 20; i++) {
            d.report(bad, i % 2 == 0 ? Outcome.ERROR : Outcome.SUCCESS, now); // 50 %, never 1000 in a row
            d.report(good, i % 5 == 0 ? Outcome.ERROR : Outcome.SUCCESS, now); // 20 %
        }
        report(d, quiet, Outcome.ERROR, 9); // 100 % but fewer than 10 requests
        assertThat(d.ejectedCount()).isZero();
        now += Duration.ofSeconds(10).toNanos();
        d.report(good, Outcome.SUCCESS, now);
        assertThat(bad.isEjected(now)).isTrue();
        assertThat(good.isEjected(now)).isFalse();
        assertThat(quiet.isEjected(now)).isFalse();
        assertThat(log).singleElement().asString().contains("error rate 50% of 20 requests (threshold 50%)");
        // a new window starts empty
        now += Duration.ofSeconds(10).toNanos();
        d.report(good, Outcome.SUCCESS, now);
        assertThat(d.ejectionCount()).isEqualTo(1);
    }

    @Test
    void forgottenHostsAreNotEjectedNorCounted() {
        OutlierDetector d = detector(settings(1, 0, 100));
        HostHealth a = d.track("a:1");
        d.forget(a);
        report(d, a, Outcome.ERROR, 1);
        assertThat(a.isEjected(now)).isFalse();
        assertThat(d.hostCount()).isZero();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> settings(0, 0, 10)).hasMessageContaining("consecutiveFailures");
        assertThatThrownBy(() -> settings(1, 101, 10)).hasMessageContaining("errorRatePercent");
        assertThatThrownBy(() -> settings(1, 0, 101)).hasMessageContaining("maxEjectionPercent");
        assertThatThrownBy(() -> new Settings(1, true, 0, 1, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1), 10)).hasMessageContaining("maxEjectionTime");
    }
}
