package io.xmesh.bootstrap.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where every key and value came from, so that
 * configuration errors can name file, line and column. Parsed with Jackson's YAML streaming
 * parser (no data binding: binding is done by {@link ConfigBinder}, which collects every error
 * instead of stopping at the first).
 */
final class YamlTree {

    private YamlTree() {
    }

    /** A position in a configuration file; line and column are 1-based. */
    record Loc(String file, int line, int column) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    /** A node of the tree. */
    sealed interface Node permits MapNode, ListNode, ScalarNode {
        Loc loc();

        /** Plain Java value: Map, List, String, Long, Double, Boolean or null. */
        Object toPlain();

        String typeName();
    }

    /** A mapping; keys keep their order and their own location. */
    record MapNode(Loc loc, Map<String, Node> entries, Map<String, Loc> keyLocs) implements Node {
        @Override
        public Object toPlain() {
            Map<String, Object> m = new LinkedHashMap<>();
            entries.forEach((k, v) -> m.put(k, v.toPlain()));
            return Collections.unmodifiableMap(m);
        }

        @Override
        public String typeName() {
            return "a mapping";
        }
    }

    /** A sequence. */
    record ListNode(Loc loc, List<Node> items) implements Node {
        @Override
        public Object toPlain() {
            List<Object> l = new ArrayList<>();
            items.forEach(i -> l.add(i.toPlain()));
            return Collections.unmodifiableList(l);
        }

        @Override
        public String typeName() {
            return "a list";
        }
    }

    /** A scalar; {@code text} is null for YAML null. */
    record ScalarNode(Loc loc, String text, JsonToken token) implements Node {
        @Override
        public Object toPlain() {
            if (text == null) {
                return null;
            }
            return switch (token) {
                case VALUE_NUMBER_INT -> {
                    try {
                        yield Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        yield text;
                    }
                }
                case VALUE_NUMBER_FLOAT -> Double.parseDouble(text);
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> text;
            };
        }

        @Override
        public String typeName() {
            return text == null ? "null" : "a scalar";
        }
    }

    /**
     * Parses a YAML document.
     *
     * @return the root node, or null for an empty document
     * @throws ConfigException for YAML syntax errors or duplicate keys, with the location
     */
    static Node parse(String fileName, String yaml) {
        YAMLFactory factory = YAMLFactory.builder().build();
        try (JsonParser p = factory.createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            List<ConfigError> dupes = new ArrayList<>();
            Node root = read(fileName, p, "", dupes);
            if (!dupes.isEmpty()) {
                throw new ConfigException(dupes);
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            Loc loc = l == null ? new Loc(fileName, 0, 0) : new Loc(fileName, l.getLineNr(), l.getColumnNr());
            throw new ConfigException(List.of(new ConfigError(loc, "", "YAML syntax error: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(new Loc(fileName, 0, 0), "", "cannot read: " + e)));
        }
    }

    private static Loc loc(String file, JsonLocation l) {
        return new Loc(file, l.getLineNr(), l.getColumnNr());
    }

    private static Node read(String file, JsonParser p, String path, List<ConfigError> dupes) throws IOException {
        JsonToken t = p.currentToken();
        Loc here = loc(file, p.currentTokenLocation());
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> entries = new LinkedHashMap<>();
                Map<String, Loc> keyLocs = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Loc keyLoc = loc(file, p.currentTokenLocation());
                    p.nextToken();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    Node value = read(file, p, childPath, dupes);
                    if (entries.containsKey(key)) {
                        dupes.add(new ConfigError(keyLoc, childPath, "duplicate key (first at line " + keyLocs.get(key).line() + ")"));
                    } else {
                        entries.put(key, value);
                        keyLocs.put(key, keyLoc);
                    }
                }
                return new MapNode(here, entries, keyLocs);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(file, p, path + "[" + i++ + "]", dupes));
                }
                return new ListNode(here, items);
            }
            case VALUE_NULL -> {
                return new ScalarNode(here, null, t);
            }
            default -> {
                return new ScalarNode(here, p.getText(), t);
            }
        }
    }
}
