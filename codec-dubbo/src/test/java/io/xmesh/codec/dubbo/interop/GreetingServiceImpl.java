package io.xmesh.codec.dubbo.interop;

import java.util.LinkedHashMap;
import java.util.Map;

/** The provider's implementation; {@code tag} names the export (e.g. "plain" or "g1:1.2.3"). */
public class GreetingServiceImpl implements GreetingService {
    private final String tag;

    public GreetingServiceImpl(String tag) {
        this.tag = tag;
    }

    @Override
    public String greet(String name) {
        return "Hello, " + name + " from " + tag;
    }

    @Override
    public byte[] echo(byte[] data) {
        return data;
    }

    @Override
    public Map<String, Object> complex(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>(map);
        out.put("servedBy", tag);
        return out;
    }

    @Override
    public Person person(Person person) {
        person.setServedBy(tag);
        return person;
    }

    @Override
    public String describe(String maybeNull) {
        // an attachment a proxy may add (XFrame.setHeader): shown so tests can see it arrived
        Object trace = org.apache.dubbo.rpc.RpcContext.getServerAttachment().getObjectAttachment("x-trace");
        return (maybeNull == null ? "null" : maybeNull) + " from " + tag + (trace == null ? "" : " trace=" + trace);
    }

    @Override
    public String fail(String reason) throws BusinessException {
        throw new BusinessException("rejected: " + reason + " by " + tag, "BIZ-42");
    }
}
