package io.xmesh.xprotocol.registry;

import java.util.concurrent.CompletionStage;

/**
 * A service registry connection: publishes this proxy's services and watches others'.
 *
 * <h2>Lifecycle</h2>
 * Created by {@link RegistryFactory#create} without side effects; {@link #start()} connects;
 * {@link #close()} removes everything this registry published and stops all watches.
 *
 * <h2>Threading</h2>
 * Thread-safe. Methods return without blocking on the network; completion is reported through
 * the returned stage, completed on a registry thread. Listeners are called on registry threads.
 *
 * <h2>Resilience</h2>
 * While the registry server is unreachable, subscriptions keep their last known instances
 * (listeners are not told "empty"). After a reconnect or a new session, everything published
 * is published again and every subscription is restored.
 */
public interface Registry extends AutoCloseable {

    /** Starts connecting. Does not wait for the connection. */
    void start();

    /** Publishes (registers) an instance. Idempotent. */
    CompletionStage<Void> publish(ServiceInstance instance);

    /** Removes a published instance. Idempotent. */
    CompletionStage<Void> unpublish(ServiceInstance instance);

    /**
     * Watches the instances of {@code key}. The listener receives the current set as soon as it
     * is known, then every change. Idempotent per (key, listener).
     *
     * @param key      the service; group and version filter instances exactly
     * @param consumer parameters describing this consumer (for registries that record consumers,
     *                 like Dubbo's {@code /consumers}), may be empty
     */
    Subscription subscribe(ServiceKey key, java.util.Map<String, String> consumer, InstanceListener listener);

    /** Unpublishes everything and stops every watch. Blocks up to a short bounded time. */
    @Override
    void close();

    /** A live subscription. */
    interface Subscription extends AutoCloseable {
        /** Stops the watch and removes the consumer record. Idempotent. */
        @Override
        void close();
    }
}
