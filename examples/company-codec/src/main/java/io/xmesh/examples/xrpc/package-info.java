/**
 * xrpc, an example company RPC protocol, as an xmesh protocol plugin ({@link io.xmesh.examples.xrpc.XrpcProtocol}).
 *
 * <h2>Frame layout</h2>
 * Every frame, request or response, is a fixed 22-byte header followed by three variable parts
 * whose lengths the header gives. All integers are big-endian and unsigned unless noted.
 * <pre>
 *  offset  size  field
 *  ------  ----  -----------------------------------------------------------------
 *     0      2   magic 'X' 'R' (0x58 0x52)
 *     2      1   version, 1
 *     3      1   flags: 0x01 RESPONSE (clear: request)
 *                       0x02 ONEWAY    (requests only: no response expected)
 *                       0x04 HEARTBEAT (with RESPONSE: a heartbeat reply)
 *                       other bits must be 0
 *     4      8   request id (signed 64-bit); a response carries its request's id
 *    12      2   status: 0 on requests; on responses see {@link io.xmesh.examples.xrpc.XrpcStatus}
 *    14      2   service name length S
 *    16      2   method name length M
 *    18      4   payload length P
 *    22      S   service name, UTF-8 (requests: not empty; heartbeats: empty)
 *  22+S      M   method name, UTF-8 (requests: not empty; heartbeats: empty)
 *  22+S+M    P   payload, opaque bytes (on a failed response: the error message, UTF-8)
 *
 *  +------+----+-----+----------------+--------+-----+-----+---------+---------+--------+---------+
 *  | 'XR' | v1 |flags|   request id   | status |  S  |  M  |    P    | service | method | payload |
 *  +------+----+-----+----------------+--------+-----+-----+---------+---------+--------+---------+
 *   0      2    3     4                12       14    16    18        22
 * </pre>
 * The frame length is {@code 22 + S + M + P}, known as soon as the header has arrived, so an
 * oversize frame is refused before its body is read. Responses and heartbeats may leave the
 * service and method empty. The request id is at a fixed offset, so the proxy rewrites it in
 * place without re-encoding.
 *
 * <p>The demo applications in {@code io.xmesh.examples.xrpc.demo} speak xrpc with plain Netty;
 * they know nothing of xmesh.
 */
package io.xmesh.examples.xrpc;
