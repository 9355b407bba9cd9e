package io.xmesh.bootstrap.config;

import java.util.List;
import java.util.stream.Collectors;

/** An invalid configuration: carries every error found, in file order. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.size() + " configuration error(s):\n  "
                + errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n  ")));
        this.errors = List.copyOf(errors);
    }

    /** Every error, never empty. */
    public List<ConfigError> errors() {
        return errors;
    }
}
