package io.xmesh.codec.dubbo.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP relay on 127.0.0.1 that copies bytes both ways unchanged and records them, per
 * connection and direction. Independent of the codec under test (blocking sockets, one thread per
 * direction), so what it records is what real Dubbo sent.
 */
public final class LoggingRelay implements AutoCloseable {
    /** The bytes of one accepted connection. */
    public static final class Conversation {
        public final ByteArrayOutputStream toProvider = new ByteArrayOutputStream();
        public final ByteArrayOutputStream toConsumer = new ByteArrayOutputStream();

        public synchronized byte[] toProvider() {
            return toProvider.toByteArray();
        }

        public synchronized byte[] toConsumer() {
            return toConsumer.toByteArray();
        }
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Conversation> conversations = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public LoggingRelay(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "logging-relay-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Conversation> conversations() {
        return conversations;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket down = server.accept();
                Socket up = new Socket();
                up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 3000);
                sockets.add(down);
                sockets.add(up);
                Conversation c = new Conversation();
                conversations.add(c);
                pump(down, up, c, true);
                pump(up, down, c, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, Conversation c, boolean toProvider) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (c) {
                        (toProvider ? c.toProvider : c.toConsumer).write(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // closed
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }, "logging-relay-" + (toProvider ? "up" : "down"));
        t.setDaemon(true);
        t.start();
    }

    /** Splits a recorded byte stream into whole Dubbo frames by their 16-byte headers. */
    public static List<byte[]> frames(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.remaining() >= 16) {
            int len = b.getInt(b.position() + 12);
            if (b.remaining() < 16 + len) {
                break;
            }
            byte[] f = new byte[16 + len];
            b.get(f);
            out.add(f);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
