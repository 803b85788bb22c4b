package dev.squeeze.jmh.kernels;

import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.runtime.RowParallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Decode's quantised matrix-vector product (squeeze-llm {@code WeightTensor.dotRows}, split over rows on a
 * {@link RowParallel} pool as {@code Projections} does) at TinyLlama-1.1B's shapes, in GB/s of weights read. The
 * matrix is one of enough copies (at least 256 MiB together, past the 32 MiB last-level cache) that each call reads
 * its weights from memory, as a decode step does; compare with the suite's {@code StreamBandwidth}
 * ({@link #main} prints it at 1 and 2 threads). The secondary metric {@code bytes} is weight bytes per second.
 * Shapes are "cols->rows" as the issue writes them: wq/wo 2048->2048, wk/wv 2048->256, w1/w3 2048->5632,
 * w2 5632->2048, classifier 2048->32000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class QuantMatVecBench {
    static final long COPIES_BYTES = 256L << 20;

    @Param({"Q8_0", "Q4_0"})
    String type;

    /** cols->rows. */
    @Param({"2048->2048", "2048->256", "2048->5632", "5632->2048", "2048->32000"})
    String shape;

    @Param({"1", "2"})
    int threads;

    private Arena arena;
    private WeightTensor[] copies;
    private int next;
    private float[] x, out;
    private float[][] scratch;
    private RowParallel pool;
    /** Per worker: whether its scratch holds x prepared in this dispatch (prepared once per worker, as decode does). */
    private boolean[] prepared;

    private final RowParallel.RowTask task = new RowParallel.RowTask() {
        @Override
        public void start(int worker) {
            prepared[worker] = false;
        }

        @Override
        public void run(int worker, int from, int to) {
            rows(worker, from, to);
        }
    };
    private WeightTensor current;

    /** Weight bytes read, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Setup
    @SuppressWarnings("MustBeClosedChecker") // closed in tearDown
    public void setup() {
        String[] p = shape.split("->");
        int cols = Integer.parseInt(p[0]), rows = Integer.parseInt(p[1]);
        GgmlType t = GgmlType.valueOf(type);
        long rowBytes = t.bytesFor(cols), bytes = rowBytes * rows;
        int n = (int) Math.max(2, (COPIES_BYTES + bytes - 1) / bytes);
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(bytes * n, 64);
        fill(seg, t, new Random(7));
        copies = new WeightTensor[n];
        for (int i = 0; i < n; i++) copies[i] = WeightTensor.of(t, seg, bytes * i, rows, cols, "w" + i);
        x = ShapeInputs.gaussian(cols, 3);
        out = new float[rows];
        pool = new RowParallel(threads);
        prepared = new boolean[threads];
        scratch = new float[threads][copies[0].scratchLength()];
    }

    /** Random quants with scale 0.01 (the scales' f16 bits; every other byte random). */
    static void fill(MemorySegment seg, GgmlType t, Random r) {
        byte[] buf = new byte[1 << 16];
        for (long o = 0; o < seg.byteSize(); o += buf.length) {
            r.nextBytes(buf);
            MemorySegment.copy(buf, 0, seg, ValueLayout.JAVA_BYTE, o, (int) Math.min(buf.length, seg.byteSize() - o));
        }
        int block = (int) t.bytesFor(32);
        short d = Float.floatToFloat16(0.01f);
        for (long o = 0; o + block <= seg.byteSize(); o += block)
            seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), o, d);
    }

    private void rows(int worker, int from, int to) {
        current.dotRows(from, to, x, 0, out, 0, scratch[worker], prepared[worker]);
        prepared[worker] = true;
    }

    @Benchmark
    public float[] matVec(Bytes b) {
        current = copies[next];
        next = next + 1 == copies.length ? 0 : next + 1;
        pool.run(current.rows(), 2, 16, task); // Projections.DECODE_GRAIN
        b.bytes += current.bytes();
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** Prints the suite's stream bandwidth (512 MiB, best of 5) at 1 and 2 threads, to compare with. */
    public static void main(String[] args) throws InterruptedException {
        for (int t = 1; t <= 2; t++) {
            System.out.printf(
                    "stream read, %d thread(s): %.1f GB/s%n",
                    t, dev.squeeze.eval.llm.StreamBandwidth.readGBps(512L << 20, t, 5));
        }
    }
}
