package io.xmesh.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The leak check can fail: a buffer dropped without release fails the class it leaked in. */
class LeakDetectionExtensionTest {

    private static ExtensionContext context(String name) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class},
                (proxy, method, args) -> method.getName().equals("getDisplayName") ? name : null);
    }

    @Test
    void aLeakedBufferFailsTheClass() {
        FailingLeakDetector.drainLeaks();
        leakOneBuffer();
        assertThatThrownBy(() -> new LeakDetectionExtension().afterAll(context("LeakyTest")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaked buffer(s) in LeakyTest")
                .hasMessageContaining("LEAK: ByteBuf.release() was not called");
    }

    @Test
    void releasedBuffersPass() {
        FailingLeakDetector.drainLeaks();
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
        b.release();
        assertThatCode(() -> new LeakDetectionExtension().afterAll(context("CleanTest"))).doesNotThrowAnyException();
    }

    private static void leakOneBuffer() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42); // dropped without release
    }
}
