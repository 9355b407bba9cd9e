package io.xmesh.registry.zookeeper;

import io.xmesh.xprotocol.registry.InstanceListener;
import io.xmesh.xprotocol.registry.ServiceInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Records every delivery a listener receives, and the threads it ran on. */
final class Recorder implements InstanceListener {
    final List<List<ServiceInstance>> deliveries = new CopyOnWriteArrayList<>();
    final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicReference<Thread> running = new AtomicReference<>();
    volatile boolean overlapped;

    @Override
    public void onInstances(List<ServiceInstance> instances) {
        if (!running.compareAndSet(null, Thread.currentThread())) {
            overlapped = true;
        }
        try {
            threads.add(Thread.currentThread().getName());
            deliveries.add(instances);
        } finally {
            running.set(null);
        }
    }

    /** The latest set, or null before the first delivery. */
    List<ServiceInstance> last() {
        List<List<ServiceInstance>> d = new ArrayList<>(deliveries);
        return d.isEmpty() ? null : d.get(d.size() - 1);
    }

    /** Addresses of the latest set, or null. */
    Set<String> addresses() {
        List<ServiceInstance> l = last();
        return l == null ? null : l.stream().map(ServiceInstance::address).collect(Collectors.toSet());
    }

    boolean sawEmpty() {
        return deliveries.stream().anyMatch(List::isEmpty);
    }
}
