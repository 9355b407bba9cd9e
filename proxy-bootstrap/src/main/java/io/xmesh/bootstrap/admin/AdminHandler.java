package io.xmesh.bootstrap.admin;

/**
 * Serves one path of the admin API. Called on the admin server's own thread (never an I/O event
 * loop of the proxy), one request at a time; it may block briefly (e.g. wait for a registry
 * call), but must bound that time.
 */
@FunctionalInterface
public interface AdminHandler {

    /**
     * @return the response; an {@link IllegalArgumentException} thrown here becomes a 400 with its
     *         message, anything else a 500
     */
    AdminResponse handle(AdminRequest request) throws Exception;
}
