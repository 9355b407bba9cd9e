/**
 * Service discovery through the sidecar: the local HTTP API ({@code /pub}, {@code /unpub}, {@code /sub},
 * {@code /unsub}, {@code /registrations}) and what it does to the engine's routes and clusters and to the registry.
 * Entry points: {@link io.xmesh.bootstrap.discovery.LocalDiscovery} and
 * {@link io.xmesh.bootstrap.discovery.DiscoveryHttpApi}.
 */
package io.xmesh.bootstrap.discovery;
