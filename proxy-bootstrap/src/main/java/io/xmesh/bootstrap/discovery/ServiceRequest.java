package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.xmesh.xprotocol.registry.ServiceKey;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One pub/unpub/sub/unsub request, read from either accepted JSON shape.
 *
 * <p>MOSN's dubbo-go shape (what SDKs with the mesh switch send):
 * <pre>
 * {"registry": {"type": "zookeeper", "addr": "127.0.0.1:2181"},
 *  "service":  {"interface": "com.x.UserService", "methods": ["GetUser"], "group": "", "version": "",
 *               "port": 20880}}                       port: optional, pub only: where the application listens
 * </pre>
 * xmesh's native shape:
 * <pre>
 * {"registry": "zookeeper://127.0.0.1:2181",          optional; default: xmesh's configured registry
 *  "protocol": "dubbo",                               optional, default dubbo
 *  "service": "com.x.UserService", "group": "", "version": "", "methods": ["GetUser"],
 *  "appPort": 20880, "weight": 100, "parameters": {"application": "users"}}
 * </pre>
 * The shapes are told apart by {@code service}: an object (MOSN) or a string (native). Unknown fields are
 * ignored (SDKs add their own); a field of the wrong type or value is refused naming it.
 *
 * @param mosnShape  whether the request used MOSN's shape
 * @param registry   registry URI, or null for the configured default
 * @param key        the service
 * @param methods    method names (may be empty)
 * @param appPort    the application's port (pub), or 0 for the default
 * @param weight     weight to publish (pub)
 * @param parameters extra URL parameters to publish (pub) or record (sub)
 */
public record ServiceRequest(boolean mosnShape, String registry, ServiceKey key, List<String> methods, int appPort,
                             int weight, Map<String, String> parameters) {

    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_$.\\-/]*");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9_$<>\\-]+");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.\\-:*,]*");
    private static final Pattern PARAM_KEY = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Pattern REGISTRY_TYPE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /**
     * Reads a request body.
     *
     * @throws BadRequestException naming the bad field
     */
    public static ServiceRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("body", "expected a JSON object");
        }
        JsonNode service = body.get("service");
        if (service == null || service.isNull()) {
            throw new BadRequestException("service", "missing");
        }
        return service.isObject() ? parseMosn(body, service) : parseNative(body, service);
    }

    private static ServiceRequest parseMosn(JsonNode body, JsonNode service) {
        String registry = null;
        JsonNode reg = body.get("registry");
        if (reg != null && !reg.isNull()) {
            if (!reg.isObject()) {
                throw new BadRequestException("registry", "expected an object {\"type\": ..., \"addr\": ...}");
            }
            String type = text(reg, "type", "registry.type", "zookeeper");
            String addr = text(reg, "addr", "registry.addr", "");
            if (!REGISTRY_TYPE.matcher(type).matches()) {
                throw new BadRequestException("registry.type", "not a registry name: '" + type + "'");
            }
            if (!addr.isEmpty()) {
                if (!Pattern.compile("[A-Za-z0-9_.\\-:\\[\\],]+").matcher(addr).matches()) {
                    throw new BadRequestException("registry.addr", "expected host:port[,host:port...], got '" + addr + "'");
                }
                registry = type + "://" + addr;
            }
        }
        String iface = text(service, "interface", "service.interface", null);
        ServiceKey key = key("dubbo", iface, text(service, "group", "service.group", ""),
                text(service, "version", "service.version", ""), "service.interface", "service.group", "service.version");
        List<String> methods = methods(service.get("methods"), "service.methods");
        int port = port(service.get("port"), "service.port");
        Map<String, String> params = params(service.get("params"), "service.params");
        int weight = 100;
        String w = params.remove("weight");
        if (w != null) {
            if (!w.matches("\\d{1,5}") || Integer.parseInt(w) > 10_000) {
                throw new BadRequestException("service.params.weight", "expected an integer 0-10000, got '" + w + "'");
            }
            weight = Integer.parseInt(w);
        }
        return new ServiceRequest(true, registry, key, methods, port, weight, params);
    }

    private static ServiceRequest parseNative(JsonNode body, JsonNode service) {
        if (!service.isTextual()) {
            throw new BadRequestException("service", "expected an interface name or an object");
        }
        String registry = text(body, "registry", "registry", null);
        if (registry != null && (registry.isBlank() || !registry.contains("://"))) {
            throw new BadRequestException("registry", "expected a URI such as zookeeper://127.0.0.1:2181, got '" + registry + "'");
        }
        String protocol = text(body, "protocol", "protocol", "dubbo");
        ServiceKey key = key(protocol, service.asText(), text(body, "group", "group", ""), text(body, "version", "version", ""),
                "service", "group", "version");
        List<String> methods = methods(body.get("methods"), "methods");
        int port = port(body.get("appPort"), "appPort");
        int weight = 100;
        JsonNode w = body.get("weight");
        if (w != null && !w.isNull()) {
            if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 0 || w.asInt() > 10_000) {
                throw new BadRequestException("weight", "expected an integer 0-10000, got " + w);
            }
            weight = w.asInt();
        }
        Map<String, String> params = params(body.get("parameters"), "parameters");
        return new ServiceRequest(false, registry, key, methods, port, weight, params);
    }

    private static ServiceKey key(String protocol, String service, String group, String version,
                                  String serviceField, String groupField, String versionField) {
        if (service == null || service.isEmpty()) {
            throw new BadRequestException(serviceField, "missing");
        }
        if (!SERVICE.matcher(service).matches()) {
            throw new BadRequestException(serviceField, "not an interface name: '" + service + "'");
        }
        if (!REGISTRY_TYPE.matcher(protocol).matches()) {
            throw new BadRequestException("protocol", "not a protocol name: '" + protocol + "'");
        }
        if (!TOKEN.matcher(group).matches()) {
            throw new BadRequestException(groupField, "invalid characters in '" + group + "'");
        }
        if (!TOKEN.matcher(version).matches()) {
            throw new BadRequestException(versionField, "invalid characters in '" + version + "'");
        }
        return new ServiceKey(protocol, service, group, version);
    }

    private static String text(JsonNode node, String name, String field, String def) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            throw new BadRequestException(field, "expected a string, got " + v);
        }
        return v.asText().trim();
    }

    private static List<String> methods(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) { // "a,b" is accepted too
            for (String m : node.asText().split(",")) {
                if (!m.isBlank()) {
                    out.add(checkMethod(m.trim(), field));
                }
            }
            return out;
        }
        if (!node.isArray()) {
            throw new BadRequestException(field, "expected an array of method names");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            if (!m.isTextual()) {
                throw new BadRequestException(field + "[" + i + "]", "expected a string, got " + m);
            }
            if (!m.asText().isBlank()) { // MOSN's own examples send "methods": [""]
                out.add(checkMethod(m.asText().trim(), field + "[" + i + "]"));
            }
        }
        return out;
    }

    private static String checkMethod(String m, String field) {
        if (!METHOD.matcher(m).matches()) {
            throw new BadRequestException(field, "not a method name: '" + m + "'");
        }
        return m;
    }

    private static int port(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return 0;
        }
        int p;
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            p = node.asInt();
        } else if (node.isTextual() && node.asText().trim().matches("\\d{1,5}")) {
            p = Integer.parseInt(node.asText().trim());
        } else {
            throw new BadRequestException(field, "expected a port number, got " + node);
        }
        if (p < 1 || p > 65535) {
            throw new BadRequestException(field, "out of range 1-65535: " + p);
        }
        return p;
    }

    private static Map<String, String> params(JsonNode node, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new BadRequestException(field, "expected an object of string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (!PARAM_KEY.matcher(k).matches()) {
                throw new BadRequestException(field + "." + k, "invalid parameter name");
            }
            if (!v.isValueNode() || v.isNull()) {
                throw new BadRequestException(field + "." + k, "expected a string, number or boolean");
            }
            String s = v.asText();
            if (s.indexOf('&') >= 0 || s.indexOf('#') >= 0 || s.chars().anyMatch(Character::isWhitespace)) {
                throw new BadRequestException(field + "." + k, "must not contain '&', '#' or whitespace");
            }
            out.put(k, s);
        }
        return out;
    }
}
