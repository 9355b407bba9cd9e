package io.xmesh.bootstrap.filters;

import io.xmesh.testapps.dubbo.Greeter;
import org.apache.dubbo.rpc.RpcContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers {@code "hello <name>"} and records the attachments of every call it receives. */
final class RecordingGreeter implements Greeter {
    final List<Map<String, Object>> attachments = new CopyOnWriteArrayList<>();

    @Override
    public String greet(String name) {
        attachments.add(Map.copyOf(RpcContext.getServerAttachment().getObjectAttachments()));
        return "hello " + name;
    }
}
