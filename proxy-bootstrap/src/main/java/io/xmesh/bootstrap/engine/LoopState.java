package io.xmesh.bootstrap.engine;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one event loop owns: its upstream pools (one per host), the channels written to
 * during the current read batch (flushed together at the end of the batch), and its count of
 * requests in flight. Used only on its loop, so nothing here is synchronised.
 */
final class LoopState {
    final EventLoop loop;
    final Engine engine;
    /** Timeouts of the requests on this loop. */
    final RequestDeadlines deadlines;
    private final Map<Host, UpstreamPool> pools = new HashMap<>();
    private final ArrayList<Channel> dirty = new ArrayList<>();
    private boolean flushScheduled;
    private final Runnable flushTask = this::flush;
    /** Requests received on this loop and not yet ended. */
    int inflight;
    /** Downstream connections currently open on this loop. */
    final List<DownstreamConnection> downstreams = new ArrayList<>();

    LoopState(EventLoop loop, Engine engine) {
        this.loop = loop;
        this.engine = engine;
        this.deadlines = new RequestDeadlines(loop);
    }

    /**
     * Writes {@code msg} to {@code ch} without flushing; the channel is flushed at the end of
     * the current read batch (or by a task queued right behind it). <b>Ownership of msg is
     * transferred</b> to the channel.
     */
    void write(Channel ch, Object msg) {
        ch.write(msg, ch.voidPromise());
        int n = dirty.size();
        if (n == 0 || dirty.get(n - 1) != ch) {
            dirty.add(ch);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    /** Flushes every channel written since the last flush. */
    void flush() {
        flushScheduled = false;
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    /** This loop's pool for {@code host}, created on first use. */
    UpstreamPool pool(Host host) {
        UpstreamPool p = pools.get(host);
        if (p == null) {
            p = new UpstreamPool(this, host);
            pools.put(host, p);
        }
        return p;
    }

    /** Host left its cluster: stop using this loop's pool for it. */
    void retire(Host host) {
        UpstreamPool p = pools.remove(host);
        if (p != null) {
            p.retire();
        }
    }

    /** Closes every upstream connection (shutdown). */
    void closeAllPools() {
        for (UpstreamPool p : new ArrayList<>(pools.values())) {
            p.retire();
            p.closeAll();
        }
        pools.clear();
    }

    /** Upstream connections of this loop, for the admin API. */
    int upstreamConnections() {
        int n = 0;
        for (UpstreamPool p : pools.values()) {
            n += p.size();
        }
        return n;
    }
}
