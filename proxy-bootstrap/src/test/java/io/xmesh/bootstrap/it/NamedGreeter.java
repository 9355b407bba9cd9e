package io.xmesh.bootstrap.it;

/** Answers {@code "hello NAME from PROVIDER"}; {@code slow} first sleeps. */
final class NamedGreeter implements Greeter {
    private final String name;

    NamedGreeter(String name) {
        this.name = name;
    }

    @Override
    public String greet(String who) {
        return "hello " + who + " from " + name;
    }

    @Override
    public String slow(String who, int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "slow " + who + " from " + name;
    }
}
