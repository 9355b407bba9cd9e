/**
 * Mesh policies as {@link io.xmesh.xprotocol.filter.StreamFilterFactory} plugins: {@code rate-limit},
 * {@code fault}, {@code tracing} and {@code access-log}. See {@code docs/filters.md} for the configuration
 * reference. Everything in {@code internal} sub-packages is not API.
 */
package io.xmesh.filters;
