package io.xmesh.sample;

/**
 * The one service the sample Dubbo backend exports, by name: {@code io.xmesh.sample.GreetingService}, no version,
 * no group. {@link SampleDubboServer} does not use this interface (it answers on the wire); it exists so that a real
 * Apache Dubbo consumer can reference the service, e.g. {@code ReferenceConfig<GreetingService>}.
 */
public interface GreetingService {
    /** The Dubbo service name (the {@code path} / {@code interface} of requests). */
    String NAME = "io.xmesh.sample.GreetingService";

    /** Returns {@code "Hello, " + name}. */
    String greet(String name);
}
