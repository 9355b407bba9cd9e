package io.xmesh.bootstrap.discovery;

/** The service the Dubbo test applications export and call. */
public interface Greeter {
    String greet(String name);
}
