package io.xmesh.bootstrap.admin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request to the admin HTTP API.
 *
 * @param method HTTP method, upper case
 * @param path   path without the query
 * @param query  decoded query parameters
 * @param body   request body (a copy; empty when none)
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query, byte[] body) {

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** First value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
