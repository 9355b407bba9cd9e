package io.xmesh.examples.xrpc;

import io.xmesh.xprotocol.codec.ReplyTemplate;

/**
 * xrpc needs nothing from a request to answer it but its id, so every request shares this
 * template.
 */
enum XrpcReplyTemplate implements ReplyTemplate {
    INSTANCE
}
