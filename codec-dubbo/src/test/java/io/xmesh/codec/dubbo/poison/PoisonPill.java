package io.xmesh.codec.dubbo.poison;

/** A class named by hostile payloads in tests. Its static initializer marks {@link PoisonWitness}. */
public final class PoisonPill implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    static {
        PoisonWitness.INITIALIZED.set(true);
    }

    public String x;
}
