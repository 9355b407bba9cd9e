/**
 * The XProtocol codec SPI: {@link io.xmesh.xprotocol.codec.XProtocol} (a protocol plugin) and
 * {@link io.xmesh.xprotocol.codec.XFrame} (a decoded message).
 */
package io.xmesh.xprotocol.codec;
