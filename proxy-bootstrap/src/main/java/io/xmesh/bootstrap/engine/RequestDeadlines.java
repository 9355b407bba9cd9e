package io.xmesh.bootstrap.engine;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The request timeouts of one event loop: the loop's exchanges in a doubly linked list (links
 * inside each {@link Entry}, which {@link Exchange} extends, so adding one allocates nothing)
 * sorted by deadline, and a single
 * scheduled task for the earliest one. Requests of one route arrive with increasing deadlines,
 * so an insert is almost always at the tail, and ending a request is an O(1) unlink; this
 * replaces a {@code ScheduledFutureTask} (an allocation plus a heap insert and remove) per request.
 *
 * <p>When the head request ends, the armed task stays; it fires at the old deadline, finds nothing
 * due, and re-arms for the new head: about one task per timeout period, not per request.
 *
 * <p>Used only on its loop; not thread-safe. Times are {@link System#nanoTime()} values, compared
 * by subtraction so that wrap-around is harmless.
 */
final class RequestDeadlines {
    private final EventLoop loop;
    private final Runnable fire = this::fire;
    private Entry head;
    private Entry tail;
    private ScheduledFuture<?> armed;
    private long armedAt;

    RequestDeadlines(EventLoop loop) {
        this.loop = loop;
    }

    /** What the list holds: a request with a deadline. Its fields belong to the list. */
    abstract static class Entry {
        Entry deadlinePrev;
        Entry deadlineNext;
        long deadline;
        boolean hasDeadline;

        /** The deadline has passed; the entry has already been removed. Called on the loop. */
        abstract void onTimeout();
    }

    /** Adds {@code ex}, which must not be in the list, to expire at {@code deadline}. */
    void add(Entry ex, long deadline) {
        ex.deadline = deadline;
        Entry before = tail;
        while (before != null && before.deadline - deadline > 0) {
            before = before.deadlinePrev;
        }
        Entry after = before == null ? head : before.deadlineNext;
        ex.deadlinePrev = before;
        ex.deadlineNext = after;
        if (before == null) {
            head = ex;
        } else {
            before.deadlineNext = ex;
        }
        if (after == null) {
            tail = ex;
        } else {
            after.deadlinePrev = ex;
        }
        ex.hasDeadline = true;
        if (head == ex) {
            arm(deadline);
        }
    }

    /** Removes {@code ex}; nothing happens when it is not in the list. */
    void remove(Entry ex) {
        if (!ex.hasDeadline) {
            return;
        }
        ex.hasDeadline = false;
        Entry p = ex.deadlinePrev;
        Entry n = ex.deadlineNext;
        if (p == null) {
            head = n;
        } else {
            p.deadlineNext = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.deadlinePrev = p;
        }
        ex.deadlinePrev = null;
        ex.deadlineNext = null;
    }

    private void arm(long deadline) {
        if (armed != null) {
            if (armedAt - deadline <= 0) {
                return; // fires no later than needed; it re-arms for what is left
            }
            armed.cancel(false);
        }
        armedAt = deadline;
        armed = loop.schedule(fire, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        armed = null;
        long now = System.nanoTime();
        while (head != null && head.deadline - now <= 0) {
            Entry ex = head;
            remove(ex);
            ex.onTimeout();
        }
        if (head != null) {
            arm(head.deadline);
        }
    }
}
