package dev.squeeze.llm.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token Recycling's guarantee at the level of the products: a product of a few tokens (1 &lt; T &lt;=
 * {@link Gemm#SMALL_T}, a draft tree's verification) gives, bit for bit, what T separate decode products (T = 1) give
 * for the same rows, in every stored format: the same prepared x per token (Q8_0 rows wider than 4096 columns, Q4_0,
 * Q4_K, Q6_K take x as 8-bit blocks or reordered), the same dot kernel, the same order of sums. And at the level of
 * the model: a chain of tokens verified as one tree (of any size) gives each node exactly the logits of decoding it
 * step by step.
 */
class FewTokenProductsTest {
    private static final GgmlType[] FORMATS = {
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K
    };

    /** Gaussian rows in {@code type}, as the runtime loads them (F32 on the heap, the rest on a segment). */
    private static WeightTensor tensor(GgmlType type, int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        byte[] bytes = GgufWriter.encode(type, w, 0, w.length);
        return WeightTensor.of(type, MemorySegment.ofArray(bytes), 0, rows, cols, type + "-" + seed);
    }

    private static float[] activations(int T, int K, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[T * K];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (1 + (i % 97) / 10.0));
        return x;
    }

    /** Bit-for-bit equality of floats, naming the first difference. */
    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i]))
                fail(what + ": element " + i + " decode " + want[i] + " vs few-token " + got[i]);
        }
    }

    private static void fusedProductsEqualDecode(GgmlType type, int K) {
        // three matrices in one dispatch (q, k, v), row counts not multiples of the decode grain; 2 workers
        WeightTensor a = tensor(type, 70, K, 1), b = tensor(type, 33, K, 2), c = tensor(type, 6, K, 3);
        try (RowParallel pool = new RowParallel(2)) {
            Projections p = new Projections(pool, K);
            for (int T = 2; T <= Gemm.SMALL_T; T++) {
                float[] x = activations(T, K, 10 + T);
                float[] oa = new float[T * a.rows()], ob = new float[T * b.rows()], oc = new float[T * c.rows()];
                p.products(a, oa, b, ob, c, oc, x, T);
                float[] wa = new float[T * a.rows()], wb = new float[T * b.rows()], wc = new float[T * c.rows()];
                float[] ta = new float[a.rows()], tb = new float[b.rows()], tc = new float[c.rows()];
                for (int t = 0; t < T; t++) {
                    p.products(a, ta, b, tb, c, tc, Arrays.copyOfRange(x, t * K, (t + 1) * K), 1);
                    System.arraycopy(ta, 0, wa, t * a.rows(), a.rows());
                    System.arraycopy(tb, 0, wb, t * b.rows(), b.rows());
                    System.arraycopy(tc, 0, wc, t * c.rows(), c.rows());
                }
                String what = type + " K=" + K + " T=" + T;
                assertSameBits(wa, oa, what + " q");
                assertSameBits(wb, ob, what + " k");
                assertSameBits(wc, oc, what + " v");
            }
        }
    }

    private static void swiGluEqualsDecode(GgmlType type, int K) {
        int hidden = 96;
        WeightTensor gate = tensor(type, hidden, K, 5), up = tensor(type, hidden, K, 6);
        try (RowParallel pool = new RowParallel(2)) {
            Projections p = new Projections(pool, K);
            for (int T = 2; T <= Gemm.SMALL_T; T++) {
                float[] x = activations(T, K, 30 + T);
                float[] h = new float[T * hidden], u = new float[T * hidden];
                p.swiGlu(gate, up, x, T, h, u);
                float[] want = new float[T * hidden], step = new float[hidden], scratch = new float[hidden];
                for (int t = 0; t < T; t++) {
                    p.swiGlu(gate, up, Arrays.copyOfRange(x, t * K, (t + 1) * K), 1, step, scratch);
                    System.arraycopy(step, 0, want, t * hidden, hidden);
                }
                assertSameBits(want, Arrays.copyOf(h, T * hidden), type + " K=" + K + " T=" + T + " SwiGLU");
            }
        }
    }

    /** Runs check for every format and fails once, naming each format that failed (not only the first). */
    private static void forEveryFormat(java.util.function.Consumer<GgmlType> check) {
        java.util.List<String> failed = new java.util.ArrayList<>();
        for (GgmlType type : FORMATS) {
            try {
                check.accept(type);
            } catch (AssertionError e) {
                failed.add(e.getMessage());
            }
        }
        assertTrue(failed.isEmpty(), failed.size() + " formats differ:\n" + String.join("\n", failed));
    }

    @Test
    void fewTokenProductsEqualDecodeProductsInEveryFormat() {
        forEveryFormat(type -> fusedProductsEqualDecode(type, 512));
    }

    @Test
    void wideQ8_0RowsTakeDecodesEightBitActivations() {
        // Q8_0 rows wider than 4096 columns: decode's dot takes x as 8-bit blocks
        fusedProductsEqualDecode(GgmlType.Q8_0, 4096 + 32 * 3);
        // and rows of 4 Q4_0 groups and 3 tail blocks (the few-token kernels' two parts), Q8_0 as well
        fusedProductsEqualDecode(GgmlType.Q4_0, 128 * 4 + 32 * 3);
        fusedProductsEqualDecode(GgmlType.Q8_0, 128 * 4 + 32 * 3);
        swiGluEqualsDecode(GgmlType.Q8_0, 4096 + 32 * 3);
    }

    @Test
    void fewTokenSwiGluEqualsDecodeInEveryFormat() {
        forEveryFormat(type -> swiGluEqualsDecode(type, 512));
    }

    @Test
    void aVerifiedChainHasTheLogitsOfDecodingStepByStep(@TempDir Path dir) {
        // dim and hidden multiples of 256 so that every matrix takes the format (K-quants included)
        LlamaConfig c = new LlamaConfig(256, 512, 2, 4, 2, 300, 64, 64, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        forEveryFormat(type -> chainEqualsSteps(c, type, dir));
    }

    private static void chainEqualsSteps(LlamaConfig c, GgmlType type, Path dir) {
        try {
            Path p = dir.resolve("rand-" + type + ".gguf");
            GgufWriter.randomLlama(c, type, 7).write(p);
            try (LlamaModel m = ModelLoader.load(p, null)) {
                assertEquals(type, m.weights().layers().get(0).w1().type());
                int[] context = {1, 17, 250, 3, 99};
                int v = c.vocabSize();
                // up to SMALL_T nodes the few-token path; more (the paper's trees have 29 and 81) as well, while
                // verifying
                for (int T : new int[] {2, 3, 4, 7, 10, 11, 29}) {
                    int[] chain = new int[T], parents = new int[T];
                    for (int i = 0; i < T; i++) {
                        chain[i] = (37 * i + 11 * T) % v;
                        parents[i] = i - 1;
                    }
                    Session tree = m.newSession();
                    tree.prefill(context, false);
                    float[] got = tree.verifyTree(chain, parents).clone();
                    Session steps = m.newSession();
                    steps.prefill(context, false);
                    for (int i = 0; i < T; i++) {
                        float[] want = steps.step(chain[i]);
                        assertSameBits(
                                want,
                                Arrays.copyOfRange(got, i * v, (i + 1) * v),
                                type + " chain of " + T + ", node " + i + " logits");
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
