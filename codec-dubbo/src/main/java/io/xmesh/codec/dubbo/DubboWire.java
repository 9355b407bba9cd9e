package io.xmesh.codec.dubbo;

/**
 * Constants of the Dubbo 2 wire protocol ("dubbo://"), as spoken by Apache Dubbo 3.3.
 *
 * <pre>
 *  byte  0      1      2        3        4 ........................ 11   12 ....... 15
 *      +------+------+--------+--------+-------------------------------+---------------+
 *      | 0xda | 0xbb |  flag  | status |  request id (int64, BE)       | body length   |
 *      +------+------+--------+--------+-------------------------------+ (int32, BE)   |
 *                                                                      +---------------+
 *  flag: 0x80 request | 0x40 two-way | 0x20 event (heartbeat) | low 5 bits serialization id
 * </pre>
 *
 * Only compile-time constants live here: no state.
 */
public final class DubboWire {
    /** The two magic bytes as one big-endian short. */
    public static final int MAGIC = 0xdabb;
    /** First magic byte. */
    public static final byte MAGIC_HIGH = (byte) 0xda;
    /** Second magic byte. */
    public static final byte MAGIC_LOW = (byte) 0xbb;
    /** Length of the fixed header. */
    public static final int HEADER_LENGTH = 16;

    /** Offset of the flag byte. */
    public static final int FLAG_OFFSET = 2;
    /** Offset of the status byte. */
    public static final int STATUS_OFFSET = 3;
    /** Offset of the request id. */
    public static final int ID_OFFSET = 4;
    /** Offset of the body length. */
    public static final int LENGTH_OFFSET = 12;

    /** Flag bit: the frame is a request. */
    public static final int FLAG_REQUEST = 0x80;
    /** Flag bit: the request expects a response. */
    public static final int FLAG_TWOWAY = 0x40;
    /** Flag bit: the frame is an event (heartbeat, read-only notice). */
    public static final int FLAG_EVENT = 0x20;
    /** Mask of the serialization id in the flag byte. */
    public static final int SERIALIZATION_MASK = 0x1f;

    /** Serialization id of hessian2 (hessian-lite). */
    public static final int SERIALIZATION_HESSIAN2 = 2;
    /** Serialization id of Java serialization (not readable by xmesh; forwarded only). */
    public static final int SERIALIZATION_JAVA = 3;
    /** Serialization id of fastjson2 (JSONB), Dubbo 3.2+'s default. */
    public static final int SERIALIZATION_FASTJSON2 = 23;

    /** Response status OK. */
    public static final int STATUS_OK = 20;
    /** Response status CLIENT_TIMEOUT. */
    public static final int STATUS_CLIENT_TIMEOUT = 30;
    /** Response status SERVER_TIMEOUT. */
    public static final int STATUS_SERVER_TIMEOUT = 31;
    /** Response status BAD_REQUEST. */
    public static final int STATUS_BAD_REQUEST = 40;
    /** Response status BAD_RESPONSE. */
    public static final int STATUS_BAD_RESPONSE = 50;
    /** Response status SERVICE_NOT_FOUND. */
    public static final int STATUS_SERVICE_NOT_FOUND = 60;
    /** Response status SERVICE_ERROR. */
    public static final int STATUS_SERVICE_ERROR = 70;
    /** Response status SERVER_ERROR. */
    public static final int STATUS_SERVER_ERROR = 80;
    /** Response status CLIENT_ERROR. */
    public static final int STATUS_CLIENT_ERROR = 90;
    /** Response status SERVER_THREADPOOL_EXHAUSTED_ERROR. */
    public static final int STATUS_SERVER_THREADPOOL_EXHAUSTED = 100;

    /** Header name of the Dubbo protocol version read from a request body ("2.0.2"). */
    public static final String HEADER_DUBBO = "dubbo";
    /** Header name of the JVM parameter-type descriptor read from a request body. */
    public static final String HEADER_PARAMETER_TYPES = "parameter-types";

    private DubboWire() {
    }
}
