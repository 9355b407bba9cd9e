package io.xmesh.registry.zookeeper.interop;

/** The providers' {@link Greeter}: the greeting names the port, so a caller can tell which provider answered. */
final class PortGreeter implements Greeter {
    private final int port;

    PortGreeter(int port) {
        this.port = port;
    }

    @Override
    public String greet(String who) {
        return "Hello, " + who + " from provider:" + port;
    }

    @Override
    public String echo(String text) {
        return text;
    }
}
