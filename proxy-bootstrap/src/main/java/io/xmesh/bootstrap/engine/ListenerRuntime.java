package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig.ListenerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.PluginRef;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.PluginKind;
import io.xmesh.xprotocol.router.Router;
import io.xmesh.xprotocol.router.RouterFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A started listener: its protocols, router, filters and meters. Immutable apart from counters. */
final class ListenerRuntime {
    final ListenerConfig config;
    final String name;
    final List<XProtocol> protocols;
    final List<String> protocolNames;
    final boolean tcpFallback;
    final Router router;
    final StreamFilter[] filters;
    final CodecOptions codecOptions;
    final AtomicInteger connections = new AtomicInteger();
    final Counter connectionsTotal;
    final Counter requests;
    private final Map<ErrorKind, Counter> errors = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    volatile Channel serverChannel;

    ListenerRuntime(ListenerConfig config, PluginResolver plugins, MeterRegistry registry) {
        this.config = config;
        this.name = config.name();
        this.registry = registry;
        List<XProtocol> ps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean tcp = false;
        for (String p : config.protocols()) {
            if (ConfigLoader.TCP.equals(p)) {
                tcp = true;
            } else {
                ps.add(plugins.instance(PluginKind.PROTOCOL, p, XProtocol.class));
                names.add(p);
            }
        }
        this.protocols = List.copyOf(ps);
        this.protocolNames = List.copyOf(names);
        this.tcpFallback = tcp;
        PluginRef r = config.router();
        this.router = r == null ? null : plugins.instance(PluginKind.ROUTER, r.name(), RouterFactory.class).create(r.config());
        List<StreamFilter> fs = new ArrayList<>();
        for (PluginRef f : config.filters()) {
            fs.add(plugins.instance(PluginKind.FILTER, f.name(), StreamFilterFactory.class).create(f.config()));
        }
        this.filters = fs.toArray(new StreamFilter[0]);
        FilterMeters.register(registry, "listener", name, config.filters(), fs);
        this.codecOptions = config.codec().toOptions();
        this.connectionsTotal = Counter.builder("xmesh.listener.connections").description("Downstream connections accepted")
                .tag("listener", name).register(registry);
        Gauge.builder("xmesh.listener.connections.active", connections, AtomicInteger::get)
                .description("Downstream connections open").tag("listener", name).register(registry);
        this.requests = Counter.builder("xmesh.listener.requests").description("Requests received (one-way included)")
                .tag("listener", name).register(registry);
    }

    void countError(ErrorKind kind) {
        errors.computeIfAbsent(kind, k -> Counter.builder("xmesh.listener.errors")
                .description("Requests answered by xmesh with an error").tag("listener", name)
                .tag("error", k.name().toLowerCase(Locale.ROOT)).register(registry)).increment();
    }
}
