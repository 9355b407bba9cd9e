package io.xmesh.codec.dubbo.poison;

import java.util.concurrent.atomic.AtomicBoolean;

/** Records whether {@link PoisonPill} was ever initialised in this JVM. Test code only. */
public final class PoisonWitness {
    /** Set by PoisonPill's static initializer. */
    public static final AtomicBoolean INITIALIZED = new AtomicBoolean();

    private PoisonWitness() {
    }
}
