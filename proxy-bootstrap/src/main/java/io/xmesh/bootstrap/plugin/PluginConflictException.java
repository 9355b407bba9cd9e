package io.xmesh.bootstrap.plugin;

/** Two providers of one kind share a name (or a plugin is malformed): startup stops. */
public final class PluginConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PluginConflictException(String message) {
        super(message);
    }
}
