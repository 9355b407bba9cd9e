package io.xmesh.bootstrap.filters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Steady load for the rate-limit tests: threads that call in a loop for a fixed time. */
final class Load {

    private Load() {
    }

    /** The {@code i}-th call of thread {@code thread} (both counted from 0). */
    interface Call {
        void run(int thread, int i) throws Exception;
    }

    /**
     * Runs {@code call} in a loop on {@code threads} threads for {@code duration}, each thread pausing 5 ms after
     * every call, and waits for them (at most 60 s). An exception thrown by a call fails the run.
     *
     * @return the seconds from the start until all threads stopped
     */
    static double run(int threads, Duration duration, Call call) throws Exception {
        long durationNanos = duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                fs.add(pool.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() - t0 < durationNanos) {
                        call.run(me, i++);
                        Thread.sleep(5);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
