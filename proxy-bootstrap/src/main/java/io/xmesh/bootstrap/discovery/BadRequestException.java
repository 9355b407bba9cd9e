package io.xmesh.bootstrap.discovery;

/** A request the discovery API refuses; {@link #field()} names the offending JSON field (dotted path). */
public final class BadRequestException extends RuntimeException {
    private final String field;
    private final int status;

    /** A 400 naming {@code field}. */
    public BadRequestException(String field, String message) {
        this(400, field, message);
    }

    /** A refusal with an HTTP status (400, 404, 405, 409, 413, 415). */
    public BadRequestException(int status, String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
        this.status = status;
    }

    /** The dotted path of the offending field, or null. */
    public String field() {
        return field;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }
}
