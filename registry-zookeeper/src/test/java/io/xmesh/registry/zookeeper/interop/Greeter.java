package io.xmesh.registry.zookeeper.interop;

/** The service the real Dubbo test applications export and call. */
public interface Greeter {
    String greet(String name);

    String echo(String text);
}
