/** The router SPI: from a request's headers to a {@link io.xmesh.xprotocol.router.Route}. */
package io.xmesh.xprotocol.router;
