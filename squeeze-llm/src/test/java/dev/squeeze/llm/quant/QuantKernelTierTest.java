package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.TierCheck;
import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.runtime.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The quant dots and {@link Gemm}'s few-token dots give the same bits whichever JIT tier runs them: {@code -Xint}
 * (the Vector API's Java fallback, also what C1 runs) against C2-compiled code in this JVM, on Gaussian rows and
 * activations (every sum rounds, so a different summation order shows).
 */
class QuantKernelTierTest {
    /** Rounds of {@link #results} before the compared one: enough for C2 to compile every kernel involved. */
    private static final int WARM_ROUNDS = 2000;

    /** Prints {@link #results} (run under -Xint by the test). */
    public static final class Probe {
        public static void main(String[] args) {
            TierCheck.print(results());
        }
    }

    /** Q4_0 at 37 blocks (9 groups of 4 and a tail block), the others at 2048 columns; F16/BF16 with a short tail. */
    private static final Object[][] ROWS = {
        {GgmlType.Q8_0, 2048},
        {GgmlType.Q4_0, 32 * 37},
        {GgmlType.Q4_K, 2048},
        {GgmlType.Q6_K, 2048},
        {GgmlType.F16, 2048 + 5},
        {GgmlType.BF16, 2048 + 5}
    };

    /** Rows per type: each sum agrees with another order's about half the time, so one row alone proves little. */
    private static final int ROW_COUNT = 6;

    private static final Map<GgmlType, MemorySegment> SEGMENTS = new LinkedHashMap<>();
    private static final Map<GgmlType, float[]> XS = new LinkedHashMap<>();

    static {
        SplittableRandom r = new SplittableRandom(22);
        for (Object[] row : ROWS) {
            GgmlType t = (GgmlType) row[0];
            int n = (int) row[1];
            byte[] b = GgufWriter.encode(t, QuantKernelsTest.gaussian(r, ROW_COUNT * n), 0, ROW_COUNT * n);
            // padded: the 16-lane Q4_0 dot reads whole 64-byte vectors past a group's 72 bytes
            MemorySegment s = Arena.ofAuto().allocate(b.length + 64);
            MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
            SEGMENTS.put(t, s);
            XS.put(t, QuantKernelsTest.gaussian(r, n));
        }
    }

    static Map<String, Float> results() {
        QuantKernels k = QuantKernels.best();
        if (k == QuantKernels.scalar()) throw new IllegalStateException("the vector quant kernels did not load");
        Map<String, Float> out = new LinkedHashMap<>();
        for (Object[] row : ROWS) {
            GgmlType t = (GgmlType) row[0];
            int n = (int) row[1];
            MemorySegment s = SEGMENTS.get(t);
            float[] x = XS.get(t);
            float[] prep = new float[t == GgmlType.F16 || t == GgmlType.BF16 ? 0 : k.preparedLength(t, n)];
            if (prep.length > 0) k.prepare(t, x, 0, n, prep);
            for (int i = 0; i < ROW_COUNT; i++) {
                long at = t.bytesFor(n) * i;
                switch (t) {
                    case F16 -> out.put("F16." + i, k.dotF16(s, at, x, 0, n));
                    case BF16 -> out.put("BF16." + i, k.dotBF16(s, at, x, 0, n));
                    case Q8_0 -> {
                        out.put("Q8_0." + i, k.dotQ8_0(s, at, x, 0, n));
                        out.put("Q8_0prepared." + i, k.dotQ8_0Prepared(s, at, prep, n));
                    }
                    case Q4_0 -> out.put("Q4_0prepared." + i, k.dotQ4_0(s, at, prep, n));
                    case Q4_K -> out.put("Q4_Kprepared." + i, k.dotQ4_K(s, at, prep, n));
                    case Q6_K -> out.put("Q6_Kprepared." + i, k.dotQ6_K(s, at, prep, n));
                    default -> throw new IllegalStateException("no dot for " + t);
                }
            }
        }
        // one weight row against 9 tokens at depth 2051: chunks of 4, 4 and 1 tokens, each with a scalar tail
        SplittableRandom r = new SplittableRandom(7);
        int depth = 2051, tokens = 9;
        float[] w = QuantKernelsTest.gaussian(r, depth), x = QuantKernelsTest.gaussian(r, tokens * depth);
        float[] o = new float[tokens];
        Gemm.dotSmall(w, 0, depth, x, tokens, o, 0, 1);
        for (int t = 0; t < tokens; t++) out.put("Gemm.dotSmall" + t, o[t]);
        return out;
    }

    @Test
    void compiledKernelsSumInTheInterpretersOrder() throws Exception {
        Map<String, Float> compiled = results();
        for (int i = 0; i < WARM_ROUNDS; i++) compiled = results();
        TierCheck.assertSameBits(TierCheck.interpreted(Probe.class), compiled);
    }
}
