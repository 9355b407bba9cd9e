package io.xmesh.codec.dubbo.interop;

import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;

/**
 * This module's {@link GreetingService} apps on top of {@link DubboTestApps}: no registry, consumers use direct
 * {@code dubbo://127.0.0.1:port} URLs with the serialization under test pinned, retries 0.
 */
public final class DubboApps {
    /** Service version and group of the second export. */
    public static final String VERSION = "1.2.3";
    public static final String GROUP = "g1";

    private DubboApps() {
    }

    static {
        System.setProperty("java.net.preferIPv4Stack", "true");
        DubboTestApps.prepareJvm();
    }

    /**
     * A started provider exporting GreetingService twice: unversioned (tag "plain"), and group g1 version 1.2.3.
     * Serialization is Dubbo's default, so the consumer's choice (hessian2 or fastjson2) is what travels.
     */
    public static DubboApp provider() {
        return DubboTestApps.provider("interop-provider").serialization(null)
                .export(GreetingService.class, new GreetingServiceImpl("plain"))
                .export(GreetingService.class, new GreetingServiceImpl(GROUP + ":" + VERSION), GROUP, VERSION)
                .start();
    }

    /** {@link #consumer(int[], String, String, String, int, int)} of one port, timeout 3000 ms as in dubbo-facts. */
    public static DubboConsumer<GreetingService> consumer(int port, String serialization, String group, String version,
                                                          int heartbeatMs) {
        return consumer(new int[]{port}, serialization, group, version, heartbeatMs, 3000);
    }

    /** {@link #consumer(int[], String, String, String, int, int)} of one port. */
    public static DubboConsumer<GreetingService> consumer(int port, String serialization, String group, String version,
                                                          int heartbeatMs, int timeoutMs) {
        return consumer(new int[]{port}, serialization, group, version, heartbeatMs, timeoutMs);
    }

    /**
     * A started consumer of direct addresses on 127.0.0.1 (Dubbo balances over them, skipping unavailable ones).
     *
     * @param serialization "hessian2" or "fastjson2"
     * @param group         the group to call, or null
     * @param version       the version to call, or null
     * @param heartbeatMs   the consumer's idle heartbeat interval
     * @param timeoutMs     the call timeout: 3000 as in dubbo-facts for captures; the interop tests use more so
     *                      that a loaded CI machine cannot time them out
     */
    public static DubboConsumer<GreetingService> consumer(int[] ports, String serialization, String group,
                                                          String version, int heartbeatMs, int timeoutMs) {
        return DubboTestApps.consumer(GreetingService.class, "interop-consumer").direct(ports)
                .serialization(serialization).group(group).version(version)
                .heartbeatMs(heartbeatMs).timeoutMs(timeoutMs).start();
    }
}
