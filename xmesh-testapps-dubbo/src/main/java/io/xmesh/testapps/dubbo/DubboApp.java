package io.xmesh.testapps.dubbo;

import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/** A started Dubbo application with its own {@link FrameworkModel}. */
public class DubboApp implements AutoCloseable {
    private final FrameworkModel framework;
    private final DubboBootstrap bootstrap;
    private final int port;

    DubboApp(FrameworkModel framework, DubboBootstrap bootstrap, int port) {
        this.framework = framework;
        this.bootstrap = bootstrap;
        this.port = port;
    }

    /** The port a provider listens on (127.0.0.1), 0 for a consumer. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, a provider's address. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Stops the application (a provider unregisters) and destroys its framework model. */
    @Override
    public void close() {
        try {
            bootstrap.stop();
        } finally {
            framework.destroy();
        }
    }
}
