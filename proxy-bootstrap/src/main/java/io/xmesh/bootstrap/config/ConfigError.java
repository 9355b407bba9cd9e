package io.xmesh.bootstrap.config;

/**
 * One configuration error: where it is (file, line, column), the path of the offending key
 * (e.g. {@code clusters[1].lb}) and what is wrong.
 */
public record ConfigError(String file, int line, int column, String path, String message) {

    ConfigError(YamlTree.Loc loc, String path, String message) {
        this(loc.file(), loc.line(), loc.column(), path, message);
    }

    /** {@code file:line:column: path: message}, the format {@code xmesh validate} prints. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
