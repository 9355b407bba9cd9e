/**
 * xmesh's XProtocol API: the small core that plugins depend on (with {@code provided} scope).
 * <ul>
 *   <li>{@link io.xmesh.xprotocol.codec} — protocol codecs and frames</li>
 *   <li>{@link io.xmesh.xprotocol.router} — routers</li>
 *   <li>{@link io.xmesh.xprotocol.registry} — registries</li>
 *   <li>{@link io.xmesh.xprotocol.filter} — stream filters</li>
 *   <li>{@link io.xmesh.xprotocol.plugin} — plugin identity and order</li>
 * </ul>
 */
package io.xmesh.xprotocol;
