package io.xmesh.testapps.dubbo;

import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/** A started Dubbo consumer of one interface. */
public final class DubboConsumer<T> extends DubboApp {
    private final T service;

    DubboConsumer(FrameworkModel framework, DubboBootstrap bootstrap, T service) {
        super(framework, bootstrap, 0);
        this.service = service;
    }

    /** The client proxy; calls go over the network. */
    public T service() {
        return service;
    }
}
