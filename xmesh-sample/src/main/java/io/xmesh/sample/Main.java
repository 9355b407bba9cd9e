package io.xmesh.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Command line of the sample ({@code bin/xmesh-sample}):
 * <pre>
 * xmesh-sample serve [--dubbo-port 20880] [--http-port 8080] [--host 127.0.0.1] [--threads N]
 * xmesh-sample dubbo-call HOST:PORT [NAME] [--service NAME] [--timeout-ms 3000]
 * </pre>
 * {@code serve} prints one {@code READY} line once both ports accept connections and runs until SIGTERM/SIGINT.
 * A port of -1 turns that backend off. {@code dubbo-call} prints the answer and exits 0 on status 20, 1 otherwise.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]) || "help".equals(args[0])) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "serve" -> serve(args, out);
                case "dubbo-call" -> dubboCall(args, out, err);
                default -> {
                    err.println("unknown command: " + args[0]);
                    usage(err);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("xmesh-sample: " + e.getMessage());
            return 2;
        }
    }

    private static void usage(PrintStream s) {
        s.println("usage: xmesh-sample serve [--dubbo-port 20880] [--http-port 8080] [--host 127.0.0.1] [--threads N]");
        s.println("       xmesh-sample dubbo-call HOST:PORT [NAME] [--service NAME] [--timeout-ms 3000]");
    }

    private static int serve(String[] args, PrintStream out) throws InterruptedException {
        int dubboPort = 20880;
        int httpPort = 8080;
        String host = "127.0.0.1";
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--dubbo-port" -> dubboPort = intArg(args, ++i);
                case "--http-port" -> httpPort = intArg(args, ++i);
                case "--host" -> host = strArg(args, ++i);
                case "--threads" -> threads = intArg(args, ++i);
                default -> throw new IllegalArgumentException("unknown option for serve: " + args[i]);
            }
        }
        SampleBackends backends = SampleBackends.start(host, dubboPort, httpPort, threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            backends.close();
            stopped.countDown();
        }, "xmesh-sample-shutdown"));
        out.println("xmesh-sample: dubbo " + (backends.dubboPort() < 0 ? "off" : host + ":" + backends.dubboPort())
                + " (service " + GreetingService.NAME + ", greet(String)), http "
                + (backends.httpPort() < 0 ? "off" : host + ":" + backends.httpPort() + " (GET /hello, POST echoes)")
                + ", transport " + (Transports.epoll() ? "epoll" : "nio") + ", " + threads + " event loop(s)");
        out.println("READY dubbo=" + backends.dubboPort() + " http=" + backends.httpPort());
        out.flush();
        stopped.await();
        return 0;
    }

    private static int dubboCall(String[] args, PrintStream out, PrintStream err) {
        String target = null;
        String name = "World";
        String service = GreetingService.NAME;
        int timeoutMs = 3000;
        int positional = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--service" -> service = strArg(args, ++i);
                case "--timeout-ms" -> timeoutMs = intArg(args, ++i);
                default -> {
                    if (positional == 0) {
                        target = args[i];
                    } else if (positional == 1) {
                        name = args[i];
                    } else {
                        throw new IllegalArgumentException("unexpected argument: " + args[i]);
                    }
                    positional++;
                }
            }
        }
        if (target == null) {
            throw new IllegalArgumentException("dubbo-call needs HOST:PORT");
        }
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("HOST:PORT expected, got " + target);
        }
        String host = target.substring(0, colon);
        int port = parseInt(target.substring(colon + 1), "port");
        try {
            DubboDemoClient.Reply reply = DubboDemoClient.call(host, port, service, name, timeoutMs);
            out.println(service + ".greet(\"" + name + "\") -> " + reply.describe());
            return reply.ok() ? 0 : 1;
        } catch (IOException e) {
            err.println("dubbo-call " + target + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static String strArg(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value for " + args[i - 1]);
        }
        return args[i];
    }

    private static int intArg(String[] args, int i) {
        return parseInt(strArg(args, i), args[i - 1]);
    }

    private static int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": not a number: " + s);
        }
    }
}
