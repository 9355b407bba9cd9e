package io.xmesh.bootstrap.filters;

/** The Dubbo service of the integration tests. */
public interface Greeter {
    String greet(String name);
}
