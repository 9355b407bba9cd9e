package io.xmesh.codec.http;

import io.xmesh.xprotocol.codec.ReplyTemplate;

/**
 * What the HTTP codec needs to answer a request after it was forwarded: the request's HTTP minor
 * version and whether the connection stays open. Immutable, no buffers; the four possible values
 * are shared constants.
 */
enum HttpReplyTemplate implements ReplyTemplate {
    HTTP_1_0_CLOSE(false, false),
    HTTP_1_0_KEEP_ALIVE(false, true),
    HTTP_1_1_CLOSE(true, false),
    HTTP_1_1_KEEP_ALIVE(true, true);

    private final boolean http11;
    private final boolean keepAlive;

    HttpReplyTemplate(boolean http11, boolean keepAlive) {
        this.http11 = http11;
        this.keepAlive = keepAlive;
    }

    static HttpReplyTemplate of(boolean http11, boolean keepAlive) {
        if (http11) {
            return keepAlive ? HTTP_1_1_KEEP_ALIVE : HTTP_1_1_CLOSE;
        }
        return keepAlive ? HTTP_1_0_KEEP_ALIVE : HTTP_1_0_CLOSE;
    }

    boolean http11() {
        return http11;
    }

    boolean keepAlive() {
        return keepAlive;
    }
}
