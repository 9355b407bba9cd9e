package io.xmesh.bootstrap.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xmesh.bootstrap.testproto.LpFrame;
import io.xmesh.bootstrap.testproto.LpServer;
import io.xmesh.xprotocol.codec.FrameKind;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that does not read its answers makes xmesh stop reading from the upstream, so the
 * answers queue up at the upstream server (bounded by TCP) instead of in xmesh's memory.
 * (Verified to fail when the pause in {@code DownstreamConnection.writeResponse} is removed.)
 */
class BackpressureTest {

    @Test
    void slowClientPausesTheUpstreamInsteadOfBufferingInXmesh() throws Exception {
        int n = 40;
        int size = 1024 * 1024;
        try (LpServer server = new LpServer("big")) {
            Engine e = TestEngines.start("""
                    listeners:
                      - {name: in, port: 0, protocols: [lp]}
                    routes:
                      - {name: all, cluster: big, timeout: 60s}
                    clusters:
                      - {name: big, protocol: lp, hosts: ["%s"]}
                    """.formatted(server.address()));
            try (Socket s = new Socket("127.0.0.1", e.listenerAddress("in").getPort())) {
                s.setReceiveBufferSize(64 * 1024);
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < n; i++) {
                    ByteBuf b = Unpooled.buffer();
                    try {
                        LpFrame.encode(b, FrameKind.REQUEST, 0, 1000 + i, Map.of("service", "s", "size", String.valueOf(size)), "");
                        byte[] bytes = new byte[b.readableBytes()];
                        b.readBytes(bytes);
                        out.write(bytes);
                    } finally {
                        b.release();
                    }
                }
                out.flush();
                // nobody reads: the answers pile up at the server (bounded by TCP), not in xmesh
                await().atMost(Duration.ofSeconds(20)).until(() -> server.maxPendingOutbound.get() > 15L * 1024 * 1024);
                Thread.sleep(2000); // give xmesh time to read whatever it would read
                long settled = e.pendingDownstreamBytes();
                assertThat(settled).as("bytes queued in xmesh for the slow client").isLessThan(6L * 1024 * 1024);

                DataInputStream in = new DataInputStream(s.getInputStream());
                Set<Long> ids = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    byte[] head = new byte[LpFrame.HEADER];
                    in.readFully(head);
                    assertThat(head[0]).isEqualTo((byte) 'L');
                    long id = java.nio.ByteBuffer.wrap(head, 4, 8).getLong();
                    int len = java.nio.ByteBuffer.wrap(head, 12, 4).getInt();
                    in.readFully(new byte[len]);
                    assertThat(len).isGreaterThan(size);
                    ids.add(id);
                }
                assertThat(ids).hasSize(n);
            } finally {
                e.shutdown(Duration.ofSeconds(2));
            }
        }
    }
}
