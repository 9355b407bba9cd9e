package io.xmesh.testapps.dubbo;

/** A one-method Dubbo service for tests that only need a string call. */
public interface Greeter {
    String greet(String name);
}
