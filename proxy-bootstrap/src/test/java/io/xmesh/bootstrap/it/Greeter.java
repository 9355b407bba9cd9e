package io.xmesh.bootstrap.it;

/** Service of the Dubbo end-to-end tests. */
public interface Greeter {
    String greet(String name);

    String slow(String name, int millis);
}
