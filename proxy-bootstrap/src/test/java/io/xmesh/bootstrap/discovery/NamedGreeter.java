package io.xmesh.bootstrap.discovery;

import io.xmesh.testapps.dubbo.Greeter;

/** Answers {@code "<name>: hello <who>"}. */
final class NamedGreeter implements Greeter {
    private final String name;

    NamedGreeter(String name) {
        this.name = name;
    }

    @Override
    public String greet(String who) {
        return name + ": hello " + who;
    }
}
