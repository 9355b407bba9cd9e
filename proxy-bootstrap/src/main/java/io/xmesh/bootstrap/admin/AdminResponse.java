package io.xmesh.bootstrap.admin;

import java.nio.charset.StandardCharsets;

/**
 * A response of the admin HTTP API.
 *
 * @param status      HTTP status
 * @param contentType content type
 * @param body        body bytes
 */
public record AdminResponse(int status, String contentType, byte[] body) {

    /** A plain-text response. */
    public static AdminResponse text(int status, String text) {
        return new AdminResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON response, serialised with the admin server's mapper. */
    public static AdminResponse json(int status, Object value) {
        return new AdminResponse(status, "application/json", AdminServer.toJson(value));
    }
}
