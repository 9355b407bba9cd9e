package io.xmesh.bootstrap.it;

/** A service no route matches. */
public interface Unrouted {
    String hello(String name);
}
