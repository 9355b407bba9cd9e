/** The stream filter SPI: policies applied to every request and response. */
package io.xmesh.xprotocol.filter;
