package io.xmesh.xprotocol.registry;

import java.util.Objects;

/**
 * Identifies a service in a registry: protocol, interface, group and version.
 * An empty group or version means "none" (never null).
 *
 * @param protocol  {@code dubbo}, {@code http}, ...
 * @param service   interface or service name, e.g. {@code com.acme.Greeter}
 * @param group     group, or ""
 * @param version   version, or ""
 */
public record ServiceKey(String protocol, String service, String group, String version) {

    public ServiceKey {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(service, "service");
        group = group == null ? "" : group;
        version = version == null ? "" : version;
        if (service.isEmpty()) {
            throw new IllegalArgumentException("service must not be empty");
        }
    }

    /** {@code group/service:version}, Dubbo's service key form, for logs and names. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol).append("://");
        if (!group.isEmpty()) {
            sb.append(group).append('/');
        }
        sb.append(service);
        if (!version.isEmpty()) {
            sb.append(':').append(version);
        }
        return sb.toString();
    }
}
