package io.xmesh.filters.accesslog;

import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.filter.StreamFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The {@code access-log} filter: one JSON line per finished request (see {@link AccessLogEntry#toJson} and
 * {@code docs/filters.md} for the fields), written off the event loops.
 *
 * <h2>Threading</h2>
 * {@link #onComplete} runs on the request's event loop: it only snapshots the request into an immutable entry
 * and {@link BlockingQueue#offer offers} it to a bounded queue; it never blocks and never does I/O. When the
 * queue is full the entry is dropped and {@link #droppedCount()} counts it (and the writer logs a warning at
 * most every 10 s). One daemon thread, {@code xmesh-access-log-<n>}, formats and writes the entries, flushing
 * whenever the queue runs empty. The thread is <b>started lazily by the first {@code onComplete}</b> (one
 * compare-and-set; never in a constructor or in {@code create}), so validating a configuration starts nothing;
 * {@link #close()} stops it after writing what was queued.
 *
 * <p>Write errors (disk full...) are counted in {@link #writeErrorCount()} and logged; the file is reopened on
 * the next write.
 */
public final class AccessLogFilter implements StreamFilter, AutoCloseable {

    private static final int BATCH = 256;

    private final Logger log = LoggerFactory.getLogger(AccessLogFilter.class);
    private final BlockingQueue<AccessLogEntry> queue;
    private final AccessLogSink sink;
    private final LongSupplier wallMillis;
    private final LongSupplier nanoClock;
    private final String threadName;
    private final AtomicBoolean started = new AtomicBoolean();
    private final LongAdder enqueued = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder writeErrors = new LongAdder();
    private volatile boolean closed;
    private volatile Thread writerThread;

    AccessLogFilter(int queueSize, AccessLogSink sink, LongSupplier wallMillis, LongSupplier nanoClock,
                    String threadName) {
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.sink = sink;
        this.wallMillis = wallMillis;
        this.nanoClock = nanoClock;
        this.threadName = threadName;
    }

    /** Snapshots the finished request and queues it; never blocks. Runs on the request's event loop. */
    @Override
    public void onComplete(StreamContext context) {
        if (closed) {
            dropped.increment();
            return;
        }
        AccessLogEntry entry = AccessLogEntry.capture(context, wallMillis.getAsLong(), nanoClock.getAsLong());
        if (!started.get() && started.compareAndSet(false, true)) {
            startWriter();
        }
        if (queue.offer(entry)) {
            enqueued.increment();
        } else {
            dropped.increment();
        }
    }

    private void startWriter() {
        Thread t = new Thread(this::drainLoop, threadName);
        t.setDaemon(true);
        writerThread = t;
        t.start();
    }

    private void drainLoop() {
        List<AccessLogEntry> batch = new ArrayList<>(BATCH);
        long lastDropWarning = 0;
        long droppedReported = 0;
        try {
            while (true) {
                AccessLogEntry first;
                try {
                    first = queue.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    first = null;
                    closed = true;
                }
                if (first == null) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                do {
                    queue.drainTo(batch, BATCH - batch.size());
                    write(batch);
                    batch.clear();
                } while (!queue.isEmpty());
                flush();
                long d = dropped.sum();
                long now = System.nanoTime();
                if (d > droppedReported && (lastDropWarning == 0 || now - lastDropWarning > TimeUnit.SECONDS.toNanos(10))) {
                    log.warn("access log {}: {} lines dropped so far because the queue was full", sink, d);
                    droppedReported = d;
                    lastDropWarning = now;
                }
            }
        } finally {
            try {
                sink.close();
            } catch (IOException e) {
                writeErrors.increment();
                log.warn("access log {}: close failed", sink, e);
            }
        }
    }

    private void write(List<AccessLogEntry> batch) {
        for (AccessLogEntry entry : batch) {
            try {
                sink.writeLine(entry.toJson());
                written.increment();
            } catch (IOException | RuntimeException e) {
                writeFailed(e);
            }
        }
    }

    private void flush() {
        try {
            sink.flush();
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    private void writeFailed(Exception e) {
        long errors = writeErrors.sum();
        writeErrors.increment();
        if (errors == 0 || Long.bitCount(errors + 1) == 1) {
            log.warn("access log {}: write failed ({} failures so far)", sink, errors + 1, e);
        }
        try {
            sink.close();
        } catch (IOException ignored) {
            // the sink reopens on the next write
        }
    }

    /**
     * Stops accepting lines, lets the writer thread write what is queued, and waits up to
     * {@code timeoutMillis} for it to end. Call off the event loops (it may wait). Idempotent.
     */
    public void close(long timeoutMillis) throws InterruptedException {
        closed = true;
        Thread t = writerThread;
        if (t != null) {
            t.join(timeoutMillis);
        }
    }

    /** {@link #close(long)} with 5 seconds. */
    @Override
    public void close() {
        try {
            close(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code enqueued}, {@code dropped}, {@code written} and {@code write_errors}, for the proxy's metrics. */
    @Override
    public Map<String, LongSupplier> counters() {
        return Map.of("enqueued", enqueued::sum, "dropped", dropped::sum, "written", written::sum,
                "write_errors", writeErrors::sum);
    }

    /** Lines queued for writing so far. */
    public long enqueuedCount() {
        return enqueued.sum();
    }

    /** Lines dropped because the queue was full (or the filter closed). */
    public long droppedCount() {
        return dropped.sum();
    }

    /** Lines written to the sink (buffered lines count once handed over). */
    public long writtenCount() {
        return written.sum();
    }

    /** Failed writes, flushes or closes. */
    public long writeErrorCount() {
        return writeErrors.sum();
    }

    /** Lines waiting in the queue. */
    public int queued() {
        return queue.size();
    }

    /** Whether the writer thread has been started (lazily, by the first request). */
    public boolean writerStarted() {
        return started.get();
    }
}
