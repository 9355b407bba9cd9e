package io.xmesh.benchmarks.dubbo;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A JMH worker executor whose threads are Netty {@link FastThreadLocalThread}s, like the proxy's
 * event-loop threads, so that a benchmark sees the per-thread object pools (Netty's
 * {@code Recycler}) the way the proxy's codec does.
 *
 * <p>Why it matters: Netty 4.2's {@code Recycler} keeps its per-thread pools only on
 * {@link FastThreadLocalThread}s by default ({@code io.netty.recycler.batchFastThreadLocalOnly=true}).
 * On JMH's plain worker threads every retained slice or duplicate of a pooled buffer is therefore
 * a new object (the 136 B/op of {@code nettySliceOnly}), while on an event loop it is taken from
 * and returned to the thread's pool. Selected with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.xmesh.benchmarks.dubbo.EventLoopThreadExecutor}
 * (JMH calls the {@code (int, String)} constructor).
 */
public final class EventLoopThreadExecutor extends ThreadPoolExecutor {

    /**
     * @param maxThreads the number of benchmark threads JMH needs
     * @param prefix     JMH's thread name prefix
     */
    public EventLoopThreadExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
