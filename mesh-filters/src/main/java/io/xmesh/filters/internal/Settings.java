package io.xmesh.filters.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Typed, strict reading of a filter's configuration map (as parsed from YAML or JSON: strings, numbers,
 * booleans, lists and maps). Unknown keys and values of the wrong type are errors that name the full key
 * path ({@code rate-limit.rules[1].rate}), as {@link io.xmesh.xprotocol.filter.StreamFilterFactory#create}
 * requires.
 *
 * <p>Not thread-safe; used once per {@code create} call, off the event loops.
 */
public final class Settings {

    private final String path;
    private final Map<String, Object> values;

    private Settings(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    /**
     * @param path   prefix used in error messages, e.g. the filter name
     * @param config the raw map; null is treated as empty
     */
    public static Settings of(String path, Map<String, ?> config) {
        Map<String, Object> copy = new LinkedHashMap<>();
        if (config != null) {
            config.forEach((k, v) -> copy.put(String.valueOf(k), v));
        }
        return new Settings(path, copy);
    }

    /** Fails naming the first key not in {@code allowed}. */
    public Settings allowOnly(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (String key : values.keySet()) {
            if (!ok.contains(key)) {
                throw new IllegalArgumentException(key(key) + ": unknown setting (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(ok)) + ")");
            }
        }
        return this;
    }

    /** The keys present, in configuration order. */
    public List<String> keys() {
        return List.copyOf(values.keySet());
    }

    /** Whether the key is present (with a non-null value). */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /** The full path of {@code key}, for messages. */
    public String key(String key) {
        return path + "." + key;
    }

    public String string(String key, String defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw bad(key, "a string", v);
    }

    public String requiredString(String key) {
        String s = string(key, null);
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(key(key) + ": required");
        }
        return s;
    }

    public double number(String key, double defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw bad(key, "a number", v);
            }
        }
        throw bad(key, "a number", v);
    }

    /** A number in {@code [min, max]}. */
    public double number(String key, double defaultValue, double min, double max) {
        double d = number(key, defaultValue);
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(key(key) + ": must be between " + fmt(min) + " and " + fmt(max)
                    + ", was " + fmt(d));
        }
        return d;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        double d = number(key, defaultValue);
        if (d != Math.rint(d) || d < min || d > max) {
            throw new IllegalArgumentException(key(key) + ": must be a whole number between " + min + " and "
                    + max + ", was " + fmt(d));
        }
        return (int) d;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw bad(key, "true or false", v);
    }

    /**
     * A duration: a number of milliseconds, or a string with a unit {@code ns}, {@code us}, {@code ms},
     * {@code s}, {@code m}, {@code h} ({@code "250ms"}, {@code "1.5s"}), or an ISO-8601 duration ({@code PT1S}).
     */
    public Duration duration(String key, Duration defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        Duration d;
        if (v instanceof Number n) {
            d = Duration.ofNanos(Math.round(n.doubleValue() * 1_000_000d));
        } else if (v instanceof String s) {
            d = parseDuration(s.trim());
            if (d == null) {
                throw bad(key, "a duration such as 250ms or 1s", v);
            }
        } else {
            throw bad(key, "a duration such as 250ms or 1s", v);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(key(key) + ": must not be negative, was " + v);
        }
        return d;
    }

    static Duration parseDuration(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                return null;
            }
        }
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            return null;
        }
        double amount;
        try {
            amount = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            return null;
        }
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        double nanosPerUnit = switch (unit) {
            case "ns" -> 1d;
            case "us" -> 1_000d;
            case "", "ms" -> 1_000_000d;
            case "s" -> 1_000_000_000d;
            case "m" -> 60_000_000_000d;
            case "h" -> 3_600_000_000_000d;
            default -> -1d;
        };
        if (nanosPerUnit < 0) {
            return null;
        }
        double nanos = amount * nanosPerUnit;
        if (nanos > Long.MAX_VALUE / 2d) {
            return null;
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** A nested map, or null when absent. */
    public Settings child(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            return of(key(key), castMap(m));
        }
        throw bad(key, "a map", v);
    }

    /** A list of maps; empty when absent. */
    public List<Settings> children(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw bad(key, "a list", v);
        }
        List<Settings> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            if (!(e instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(key(key) + "[" + i + "]: must be a map, was " + describe(e));
            }
            out.add(of(key(key) + "[" + i + "]", castMap(m)));
        }
        return out;
    }

    /** A list of strings (a single string is a one-element list); {@code defaultValue} when absent. */
    public List<String> strings(String key, List<String> defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (!(v instanceof List<?> list)) {
            throw bad(key, "a list of strings", v);
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object e : list) {
            if (!(e instanceof String s)) {
                throw bad(key, "a list of strings", v);
            }
            out.add(s);
        }
        return Collections.unmodifiableList(out);
    }

    /** A map of string to string (numbers and booleans are turned into strings); empty when absent. */
    public Map<String, String> stringMap(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw bad(key, "a map of strings", v);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object val = e.getValue();
            if (!(val instanceof String || val instanceof Number || val instanceof Boolean)) {
                throw new IllegalArgumentException(key(key) + "." + e.getKey() + ": must be a string, was "
                        + describe(val));
            }
            out.put(String.valueOf(e.getKey()), String.valueOf(val));
        }
        return Collections.unmodifiableMap(out);
    }

    /** An enum constant, matched case-insensitively with {@code -} and {@code _} alike. */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String s = string(key, null);
        if (s == null) {
            return defaultValue;
        }
        String norm = s.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException(key(key) + ": must be one of " + names + ", was '" + s + "'");
    }

    private static Map<String, Object> castMap(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private IllegalArgumentException bad(String key, String expected, Object v) {
        return new IllegalArgumentException(key(key) + ": must be " + expected + ", was " + describe(v));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        return v + " (" + v.getClass().getSimpleName() + ")";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Objects.toString(d);
    }
}
