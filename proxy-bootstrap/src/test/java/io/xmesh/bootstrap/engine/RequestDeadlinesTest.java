package io.xmesh.bootstrap.engine;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RequestDeadlinesTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final RequestDeadlines deadlines = new RequestDeadlines(loop);
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Req extends RequestDeadlines.Entry {
        final String name;
        final long firedAtLeast;

        Req(String name, long deadline) {
            this.name = name;
            this.firedAtLeast = deadline;
        }

        @Override
        void onTimeout() {
            assertThat(System.nanoTime() - firedAtLeast).as("fired before its deadline").isGreaterThanOrEqualTo(0);
            expired.add(name);
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private Req add(String name, long delayMillis) throws Exception {
        return onLoop(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
            Req r = new Req(name, deadline);
            deadlines.add(r, deadline);
            return r;
        });
    }

    @Test
    void expiresInDeadlineOrderWhateverTheInsertOrder() throws Exception {
        add("c", 300);
        add("a", 100);
        add("d", 400);
        add("b", 200);
        await().atMost(5, TimeUnit.SECONDS).until(() -> expired.size() == 4);
        assertThat(expired).containsExactly("a", "b", "c", "d");
    }

    @Test
    void removedRequestsNeverExpireAndRemovingTwiceIsHarmless() throws Exception {
        Req first = add("first", 100);
        add("second", 150);
        Req third = add("third", 200);
        onLoop(() -> {
            deadlines.remove(first); // the head: the armed task fires, finds nothing due, re-arms
            deadlines.remove(third); // the tail
            deadlines.remove(third);
            return null;
        });
        await().atMost(5, TimeUnit.SECONDS).until(() -> expired.contains("second"));
        Thread.sleep(300);
        assertThat(expired).containsExactly("second");
    }

    @Test
    void randomAddsAndRemovesExpireExactlyTheRemainingInOrder() throws Exception {
        Random random = new Random(7);
        List<Req> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(add("r" + i, 50 + random.nextInt(250)));
        }
        List<Req> removed = new ArrayList<>();
        for (Req r : all) {
            if (random.nextInt(3) == 0) {
                removed.add(r);
            }
        }
        onLoop(() -> {
            removed.forEach(deadlines::remove);
            return null;
        });
        List<Req> remaining = new ArrayList<>(all);
        remaining.removeAll(removed);
        await().atMost(10, TimeUnit.SECONDS).until(() -> expired.size() >= remaining.size());
        Thread.sleep(100);
        remaining.sort((x, y) -> Long.compare(x.firedAtLeast, y.firedAtLeast));
        assertThat(expired).containsExactlyElementsOf(remaining.stream().map(r -> r.name).toList());
    }
}
