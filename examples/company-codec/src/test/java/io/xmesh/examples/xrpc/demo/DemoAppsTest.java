package io.xmesh.examples.xrpc.demo;

import io.xmesh.examples.xrpc.XrpcStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample client and server talk to each other directly (no xmesh) over 127.0.0.1. */
class DemoAppsTest {

    @Test
    void clientCallsServerDirectly() throws Exception {
        try (XrpcServer server = XrpcServer.start(0, "direct");
             XrpcClient client = XrpcClient.connect("127.0.0.1", server.port())) {
            assertThat(client.call(XrpcServer.SERVICE, "echo", "hi", Duration.ofSeconds(5)).payloadText()).isEqualTo("hi");
            assertThat(client.call(XrpcServer.SERVICE, "upper", "hi", Duration.ofSeconds(5)).payloadText()).isEqualTo("HI");
            assertThat(client.call(XrpcServer.SERVICE, "whoami", "", Duration.ofSeconds(5)).payloadText()).isEqualTo("direct");
            XrpcMessage missing = client.call("demo.Missing", "echo", "hi", Duration.ofSeconds(5));
            assertThat(missing.status()).isEqualTo(XrpcStatus.NOT_FOUND);
            XrpcMessage pong = client.heartbeat().get(5, TimeUnit.SECONDS);
            assertThat(pong.isHeartbeat()).isTrue();
            assertThat(pong.isResponse()).isTrue();

            List<CompletableFuture<XrpcMessage>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(client.call(XrpcServer.SERVICE, "echo", ("m" + i).getBytes()));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(5, TimeUnit.SECONDS).payloadText()).isEqualTo("m" + i);
            }
        }
    }
}
