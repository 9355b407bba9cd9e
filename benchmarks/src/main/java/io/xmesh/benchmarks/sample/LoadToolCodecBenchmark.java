package io.xmesh.benchmarks.sample;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.xmesh.benchmarks.load.GreetWire;
import io.xmesh.sample.DubboWire;
import io.xmesh.sample.GreetingService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the load tool spends per request on its side of the wire (encode a request from the template, verify an
 * answer), so that its own cost is known and small next to the proxy under test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadToolCodecBenchmark {
    @Param({"0", "1000"})
    public int payload;

    private GreetWire wire;
    private ByteBuf answer;
    private long id;

    @Setup(Level.Trial)
    public void setUp() {
        wire = new GreetWire(GreetingService.NAME, payload, 3000);
        id = 0x1234_5678_9abc_def0L;
        StringBuilder name = new StringBuilder(String.format("%016x", id)).append("x".repeat(payload));
        answer = Unpooled.directBuffer();
        DubboWire.writeHeader(answer, DubboWire.HESSIAN2, DubboWire.OK, id, 0);
        answer.writeByte(0x94);
        DubboWire.writeString(answer, "Hello, " + name);
        answer.writeByte('H');
        DubboWire.writeString(answer, "dubbo");
        DubboWire.writeString(answer, "2.0.2");
        answer.writeByte('Z');
        answer.setInt(12, answer.readableBytes() - 16);
        if (!wire.verify(answer, id)) {
            throw new IllegalStateException("the benchmark's answer does not verify");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        answer.release();
    }

    /** Allocate (pooled, direct) and fill one request frame, then release it. */
    @Benchmark
    public int encodeRequest() {
        ByteBuf b = wire.request(PooledByteBufAllocator.DEFAULT, id++);
        try {
            return b.readableBytes();
        } finally {
            b.release();
        }
    }

    /** Check one answer against its id. */
    @Benchmark
    public boolean verifyAnswer() {
        return wire.verify(answer, 0x1234_5678_9abc_def0L);
    }
}
