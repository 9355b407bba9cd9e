package io.xmesh.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty reports a leaked buffer during it.
 *
 * <p>Registered automatically (JUnit extension auto-detection, enabled by the parent pom) for
 * every module that has the testkit on its test classpath. After each test it reports leaks
 * already detected; after each class it runs the garbage collector and allocates tracked buffers
 * so that Netty polls its reference queue, then reports what was found.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("tests must run with -Dio.netty.leakDetection.level=PARANOID, level is "
                    + ResourceLeakDetector.getLevel());
        }
        FailingLeakDetector.drainLeaks();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnLeaks(context.getDisplayName(), FailingLeakDetector.drainLeaks());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            pollLeakQueue();
        }
        failOnLeaks(context.getDisplayName(), FailingLeakDetector.drainLeaks());
    }

    /** Allocating a tracked buffer makes Netty drain its queue of collected, unreleased buffers. */
    private static void pollLeakQueue() {
        for (int i = 0; i < 8; i++) {
            ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(8);
            a.release();
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
            b.release();
            ByteBuf c = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
            c.release();
        }
    }

    private static void failOnLeaks(String where, List<String> leaks) {
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s) in " + where + ":\n"
                    + String.join("\n\n", leaks));
        }
    }
}
