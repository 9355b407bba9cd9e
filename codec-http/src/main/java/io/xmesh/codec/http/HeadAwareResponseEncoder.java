package io.xmesh.codec.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's response encoder, told by {@link HttpServerHandler} when the response being encoded
 * answers a HEAD request, so that it writes no body bytes for it (Netty's own
 * {@code HttpServerCodec} does this internally; the server side here uses a separate, stricter
 * decoder and therefore this encoder). Used on one channel's event loop only.
 */
final class HeadAwareResponseEncoder extends HttpResponseEncoder {

    private boolean answeringHead;

    /** Set just before writing a response head. */
    void answeringHead(boolean head) {
        this.answeringHead = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return answeringHead || super.isContentAlwaysEmpty(msg);
    }
}
