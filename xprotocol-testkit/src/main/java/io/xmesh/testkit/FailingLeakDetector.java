package io.xmesh.testkit;

import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ResourceLeakDetector} that remembers every leak it reports, so that
 * {@link LeakDetectionExtension} can fail the test run.
 *
 * <p>Installed with {@code -Dio.netty.customResourceLeakDetector=io.xmesh.testkit.FailingLeakDetector}
 * (the parent pom sets it, with {@code -Dio.netty.leakDetection.level=PARANOID}).
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new ArrayList<>();

    /** Called reflectively by Netty's {@code ResourceLeakDetectorFactory}. */
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Called reflectively by Netty's {@code ResourceLeakDetectorFactory}. */
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected.");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    /** Returns and clears the leaks reported so far. */
    public static List<String> drainLeaks() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }
}
