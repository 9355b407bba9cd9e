package io.xmesh.sample;

import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The raw-Netty demo client against a real Apache Dubbo 3.3.6 provider and against the sample backend. */
class DubboDemoClientTest {
    static final class RealGreeter implements GreetingService {
        @Override
        public String greet(String name) {
            return "Hello, " + name;
        }
    }

    static int realPort;
    static DubboApp realProvider;
    static SampleBackends sample;

    @BeforeAll
    static void start() throws IOException {
        DubboTestApps.prepareJvm(200);
        realPort = DubboTestApps.freePort();
        realProvider = DubboTestApps.provider("xmesh-test-provider").port(realPort)
                .export(GreetingService.class, new RealGreeter()).start();
        sample = SampleBackends.start(0, -1);
    }

    @AfterAll
    static void stop() {
        if (realProvider != null) {
            realProvider.close();
        }
        if (sample != null) {
            sample.close();
        }
    }

    @Test
    void callsARealDubboProvider() throws IOException {
        DubboDemoClient.Reply reply = DubboDemoClient.call("127.0.0.1", realPort, "World", 3000);
        assertThat(reply.ok()).isTrue();
        assertThat(reply.status()).isEqualTo(20);
        assertThat(reply.responseFlag()).isEqualTo(DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS);
        assertThat(reply.value()).isEqualTo("Hello, World");
    }

    @Test
    void realProviderRejectsAnUnknownServiceAndTheClientReportsIt() throws IOException {
        DubboDemoClient.Reply reply = DubboDemoClient.call("127.0.0.1", realPort, "no.such.Service", "x", 3000);
        assertThat(reply.ok()).isFalse();
        // Apache Dubbo cannot find the parameter types of an unknown service, so it fails decoding: 40 BAD_REQUEST.
        assertThat(reply.status()).isEqualTo(DubboWire.BAD_REQUEST);
        assertThat(reply.errorMessage()).contains("Fail to decode request");
    }

    @Test
    void callsTheSampleBackend() throws IOException {
        DubboDemoClient.Reply reply = DubboDemoClient.call("127.0.0.1", sample.dubboPort(), "World", 3000);
        assertThat(reply.ok()).isTrue();
        assertThat(reply.responseFlag()).isEqualTo(DubboWire.RESPONSE_VALUE_WITH_ATTACHMENTS);
        assertThat(reply.value()).isEqualTo("Hello, World");
        assertThat(reply.attachments().get("dubbo")).isEqualTo("2.0.2");
    }

    @Test
    void sampleBackendAnswersUnknownServicesWithStatus60() throws IOException {
        DubboDemoClient.Reply reply = DubboDemoClient.call("127.0.0.1", sample.dubboPort(), "no.such.Service", "x", 3000);
        assertThat(reply.status()).isEqualTo(DubboWire.SERVICE_NOT_FOUND);
        assertThat(reply.errorMessage()).contains("Not found exported service: no.such.Service");
    }

    @Test
    void mainPrintsTheAnswerAndExitsByStatus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"dubbo-call", "127.0.0.1:" + sample.dubboPort(), "World"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("status=20 (OK) value=Hello, World");
        rc = Main.run(new String[] {"dubbo-call", "127.0.0.1:" + sample.dubboPort(), "World", "--service", "a.B"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("status=60 (SERVICE_NOT_FOUND)");
    }

    @Test
    void connectFailureIsAnIOException() throws IOException {
        int closedPort = DubboTestApps.freePort();
        assertThatThrownBy(() -> DubboDemoClient.call("127.0.0.1", closedPort, "x", 1000)).isInstanceOf(IOException.class);
    }

    /**
     * Captures the body a real Dubbo 3.3.6 consumer sends for greet("World") (application "xmesh-demo-client",
     * timeout 3000) and compares it byte for byte with the demo client's encoding.
     */
    @Test
    void requestBodyIsByteForByteWhatARealDubboConsumerSends() throws Exception {
        try (ServerSocket capture = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<byte[]> frame = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Socket s = capture.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] header = new byte[16];
                    in.readFully(header);
                    int length = Unpooled.wrappedBuffer(header).getInt(12);
                    byte[] whole = new byte[16 + length];
                    System.arraycopy(header, 0, whole, 0, 16);
                    in.readFully(whole, 16, length);
                    frame.complete(whole);
                    long id = Unpooled.wrappedBuffer(header).getLong(4);
                    ByteBuf r = Unpooled.buffer();
                    DubboWire.writeHeader(r, DubboWire.HESSIAN2, DubboWire.OK, id, 0);
                    r.writeByte(0x90 + DubboWire.RESPONSE_VALUE);
                    DubboWire.writeString(r, "captured");
                    r.setInt(12, r.readableBytes() - 16);
                    s.getOutputStream().write(r.array(), r.arrayOffset(), r.readableBytes());
                    s.getOutputStream().flush();
                    Thread.sleep(200);
                } catch (Exception e) {
                    frame.completeExceptionally(e);
                }
            }, "capture");
            t.setDaemon(true);
            t.start();
            try (DubboConsumer<GreetingService> consumer =
                         DubboTestApps.consumer(GreetingService.class, DubboDemoClient.APPLICATION)
                                 .direct(capture.getLocalPort()).serialization("hessian2").start()) {
                assertThat(consumer.service().greet("World")).isEqualTo("captured");
            }
            byte[] real = frame.get(10, TimeUnit.SECONDS);
            assertThat(real[2] & 0xff).isEqualTo(0xc2);
            byte[] realBody = java.util.Arrays.copyOfRange(real, 16, real.length);
            byte[] ours = DubboDemoClient.greetRequestBody(GreetingService.NAME, "World", 3000);
            assertThat(new String(ours, StandardCharsets.ISO_8859_1))
                    .isEqualTo(new String(realBody, StandardCharsets.ISO_8859_1));
        }
    }
}
