package io.xmesh.xprotocol.codec;

/**
 * Well-known routing header names shared by codecs and routers. A codec may expose any other
 * header (Dubbo string attachments, HTTP headers in lower case) under its own name.
 */
public final class RoutingHeaders {
    /** RPC service (Dubbo service path / interface). */
    public static final String SERVICE = "service";
    /** RPC method name. */
    public static final String METHOD = "method";
    /** RPC service version. */
    public static final String VERSION = "version";
    /** RPC service group. */
    public static final String GROUP = "group";
    /** HTTP authority (Host header), lower case, port kept as sent. */
    public static final String AUTHORITY = ":authority";
    /** HTTP request target path, with query. */
    public static final String PATH = ":path";
    /** HTTP method. */
    public static final String HTTP_METHOD = ":method";

    private RoutingHeaders() {
    }
}
