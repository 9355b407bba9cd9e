package io.xmesh.codec.dubbo.interop;

/** A declared checked exception that must reach the consumer unchanged. */
public class BusinessException extends Exception {
    private static final long serialVersionUID = 1L;
    private String code;

    public BusinessException() {
    }

    public BusinessException(String message, String code) {
        super(message);
        this.code = code;
    }

    public String getCode() {
        return code;
    }
}
