package io.xmesh.codec.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, made strict about request smuggling: a request carrying both
 * {@code Transfer-Encoding: chunked} and {@code Content-Length} is turned into an invalid message
 * (Netty's default would drop the Content-Length and go on), which {@link HttpServerHandler}
 * answers with 400 and a close.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new SmugglingException("both Transfer-Encoding and Content-Length");
    }

    /** A request whose body length is ambiguous. */
    static final class SmugglingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SmugglingException(String message) {
            super(message);
        }
    }
}
