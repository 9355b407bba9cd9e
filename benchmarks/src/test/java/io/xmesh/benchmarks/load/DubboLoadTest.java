package io.xmesh.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xmesh.sample.DubboWire;
import io.xmesh.sample.SampleBackends;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The load tool against the real sample backend (real sockets), and against a server that answers wrongly. */
class DubboLoadTest {
    static SampleBackends backends;

    @BeforeAll
    static void start() {
        backends = SampleBackends.start(0, -1);
    }

    @AfterAll
    static void stop() {
        backends.close();
    }

    private static DubboLoad.Options opts(String target, int conns, int inflight, long rate, double duration,
                                          long requests, int payload) {
        return DubboLoad.Options.parse(new String[] {"--target", target, "--connections", "" + conns,
                "--inflight", "" + inflight, "--rate", "" + rate, "--duration", "" + duration, "--warmup", "0.2",
                "--requests", "" + requests, "--payload", "" + payload, "--timeout-ms", "2000", "--threads", "2"});
    }

    @Test
    void closedLoopVerifiesEveryAnswerAndStopsAtTheRequestLimit() throws Exception {
        // the duration is only a bound here: the run ends when every connection has had its 200 answers
        DubboLoad.Result r = DubboLoad.run(opts("127.0.0.1:" + backends.dubboPort(), 3, 8, 0, 60, 600, 40));
        assertThat(r.errors()).as(r.summary()).isZero();
        assertThat(r.completed()).isEqualTo(600); // 200 per connection, then stop
        assertThat(r.latencyNanos().getTotalCount()).isEqualTo(r.measured());
        assertThat(r.summary()).contains("RESULT label=127.0.0.1:" + backends.dubboPort()).contains("errors=0");
    }

    @Test
    void openLoopSendsAtTheConfiguredRate() throws Exception {
        // in-flight cap high enough never to hold back a due request, however slow this shared machine is
        DubboLoad.Result r = DubboLoad.run(opts("127.0.0.1:" + backends.dubboPort(), 2, 1000, 1000, 1.0, 0, 0));
        assertThat(r.errors()).as(r.summary()).isZero();
        // 1 s at 1000/s over 2 connections: 500 due on each (sent late if the machine is slow, but sent)
        assertThat(r.completed()).isBetween(998L, 1002L);
        assertThat(r.summary()).contains("open loop at 1000 req/s");
    }

    @Test
    void wrongAnswersAndUnknownServicesAreCountedAsErrors() throws Exception {
        DubboLoad.Result unknown = DubboLoad.run(DubboLoad.Options.parse(new String[] {"--target",
                "127.0.0.1:" + backends.dubboPort(), "--service", "no.Such", "--requests", "20", "--duration", "3",
                "--warmup", "0", "--connections", "1"}));
        assertThat(unknown.statusErrors()).isEqualTo(20);

        try (ServerSocket liar = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread t = new Thread(() -> {
                try (Socket s = liar.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 5; i++) {
                        byte[] header = new byte[16];
                        in.readFully(header);
                        ByteBuf h = Unpooled.wrappedBuffer(header);
                        in.readFully(new byte[h.getInt(12)]);
                        ByteBuf r = Unpooled.buffer();
                        DubboWire.writeHeader(r, DubboWire.HESSIAN2, DubboWire.OK, h.getLong(4), 0);
                        r.writeByte(0x91);
                        DubboWire.writeString(r, "Hello, somebody else");
                        r.setInt(12, r.readableBytes() - 16);
                        out.write(r.array(), 0, r.readableBytes());
                    }
                    out.flush();
                    Thread.sleep(3000);
                } catch (Exception ignored) {
                    // the test asserts on what the client saw
                }
            });
            t.setDaemon(true);
            t.start();
            DubboLoad.Result r = DubboLoad.run(DubboLoad.Options.parse(new String[] {"--target",
                    "127.0.0.1:" + liar.getLocalPort(), "--requests", "5", "--duration", "2", "--warmup", "0",
                    "--connections", "1", "--inflight", "1"}));
            assertThat(r.mismatches()).isEqualTo(5);
            assertThat(r.errors()).isEqualTo(5);
        }
    }

    @Test
    void onlyLoopbackTargetsAndBoundedOptions() {
        assertThatThrownBy(() -> DubboLoad.Options.parse(new String[] {"--target", "10.0.0.1:20880"}))
                .hasMessageContaining("only 127.0.0.1");
        assertThatThrownBy(() -> DubboLoad.Options.parse(new String[] {"--target", "127.0.0.1:1", "--duration", "601"}))
                .hasMessageContaining("--duration");
        assertThatThrownBy(() -> DubboLoad.Options.parse(new String[] {"--target", "127.0.0.1:1", "--inflight", "0"}))
                .hasMessageContaining("--inflight");
    }
}
