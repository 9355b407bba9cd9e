package io.xmesh.xprotocol.registry;

import java.util.List;

/**
 * Receives the instances of a subscribed service.
 *
 * <p>Called on a registry thread (never an event loop), serially for one subscription. Must not
 * block for long: hand the list to the event loops and return.
 */
@FunctionalInterface
public interface InstanceListener {

    /**
     * @param instances the <b>full current set</b> of matching instances (not a delta),
     *                  immutable. A registry that loses its connection does not call this with an
     *                  empty list; it keeps silent until it knows the real set again.
     */
    void onInstances(List<ServiceInstance> instances);
}
