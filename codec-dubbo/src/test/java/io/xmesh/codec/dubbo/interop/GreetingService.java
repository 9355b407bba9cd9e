package io.xmesh.codec.dubbo.interop;

import java.util.Map;

/** The service used by golden captures and interop tests, one method per argument shape. */
public interface GreetingService {
    /** A string argument. */
    String greet(String name);

    /** A byte[] argument. */
    byte[] echo(byte[] data);

    /** A map argument. */
    Map<String, Object> complex(Map<String, Object> map);

    /** A POJO argument. */
    Person person(Person person);

    /** A null argument is reported as "null". */
    String describe(String maybeNull);

    /** Throws a declared checked exception (a business exception). */
    String fail(String reason) throws BusinessException;
}
