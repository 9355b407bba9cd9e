/** The registry SPI: publish and watch service instances. */
package io.xmesh.xprotocol.registry;
