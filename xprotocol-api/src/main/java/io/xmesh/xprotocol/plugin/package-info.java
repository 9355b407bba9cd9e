/** Plugin identity and kinds: how the bootstrap names, orders and selects providers. */
package io.xmesh.xprotocol.plugin;
