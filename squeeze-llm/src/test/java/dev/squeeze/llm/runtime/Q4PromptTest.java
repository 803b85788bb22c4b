package dev.squeeze.llm.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Q4_0 model's prompt logits (the integer product of {@link Q4Gemm} on 16-lane machines) against its decode
 * steps (the Q4_0 row dots of the quant kernels), which take the same 8-bit activation blocks: only the order of the
 * float sums differs, and so the activations' quantisation where that order moves a value across a rounding boundary,
 * which later layers amplify.
 */
class Q4PromptTest {

    /** Q4_0 rows of Gaussian weights, as a tensor on a segment. */
    private static WeightTensor q4_0(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        byte[] bytes = GgufWriter.encode(GgmlType.Q4_0, w, 0, w.length);
        return WeightTensor.of(GgmlType.Q4_0, MemorySegment.ofArray(bytes), 0, rows, cols, "w" + seed);
    }

    @Test
    void fusedQ4_0PromptProductsMatchDecodeRowDotsToken_byToken() {
        // three matrices of one width in one dispatch (q, k, v), rows not a multiple of the 4-row tile or 32-row
        // panel, 75 tokens: two whole token groups and a partial one; 2 workers
        int K = 320, T = 75;
        WeightTensor a = q4_0(70, K, 1), b = q4_0(33, K, 2), c = q4_0(6, K, 3);
        float[] x = new float[T * K];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (1 + (i % 97) / 10.0));
        float[] oa = new float[T * a.rows()], ob = new float[T * b.rows()], oc = new float[T * c.rows()];
        try (RowParallel pool = new RowParallel(2)) {
            new Projections(pool, K).products(a, oa, b, ob, c, oc, x, T);
        }
        float[] scratch = new float[a.scratchLength()], row = new float[70], decoded = new float[K];
        for (WeightTensor w : new WeightTensor[] {a, b, c}) {
            float[] o = w == a ? oa : w == b ? ob : oc;
            for (int t = 0; t < T; t++) {
                // decode's row dots quantise x the same way and sum each block in integers: only the order of the
                // float sums over blocks differs
                w.dotRows(0, w.rows(), x, t * K, row, 0, scratch);
                for (int i = 0; i < w.rows(); i++) {
                    w.copyRow(i, decoded, 0);
                    double bound = 0; // float rounding of a sum is relative to the sum of its terms' magnitudes
                    for (int k = 0; k < K; k++) bound += Math.abs(decoded[k] * x[t * K + k]);
                    assertEquals(row[i], o[t * w.rows() + i], 1e-6 * bound, "token " + t + " row " + i);
                }
            }
        }
    }

    @Test
    void stories15MQ4_0PromptLogitsMatchTheDecodeSteps(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(
                SharedData.file("models/stories15M.bin").isPresent(), "../shared/data/models/stories15M.bin is absent");
        Path gguf = dir.resolve("stories15M-q4_0.gguf");
        try (LlamaModel ref = Llama2cLoader.load(
                SharedData.require("models/stories15M.bin"), SharedData.require("models/tok32000.bin"))) {
            GgufWriter.fromModel(ref, GgmlType.Q4_0).write(gguf);
        }
        try (LlamaModel m = ModelLoader.load(gguf, null)) {
            assertEquals(GgmlType.Q4_0, m.weights().layers().get(0).w1().type());
            // 45 tokens: more than the few-token path's 10, a whole token group of 32 and a partial one
            int[] ids = m.tokenizer()
                    .encode(
                            "Once upon a time, there was a little girl named Lily. She liked to play in the park"
                                    + " with her dog Max. One day, they found a big red ball under a tree. Max ran after it.",
                            true);
            assertTrue(ids.length > 32 + 10, "tokens: " + ids.length);
            Session steps = m.newSession();
            int v = m.config().vocabSize();
            float[] want = new float[ids.length * v];
            for (int t = 0; t < ids.length; t++) System.arraycopy(steps.step(ids[t]), 0, want, t * v, v);
            float[] got = m.newSession().prefill(ids, true).data();
            double maxDiff = 0, maxLogit = 0, sq = 0;
            for (int i = 0; i < ids.length * v; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
                maxLogit = Math.max(maxLogit, Math.abs(want[i]));
                sq += (want[i] - got[i]) * (double) (want[i] - got[i]);
            }
            double rms = Math.sqrt(sq / (ids.length * v));
            // measured on this model and prompt: rms 0.075, max 0.32 (largest logit 23.5); the f32-panel prompt
            // path, which does not quantise the activations, gives rms 0.102, max 0.53 against the same steps
            assertTrue(rms < 0.09, "rms |prompt - step| logit " + rms);
            assertTrue(maxDiff < 0.45, "max |prompt - step| logit " + maxDiff + " (largest logit " + maxLogit + ")");
            for (int t = 0; t < ids.length; t++)
                assertEquals(argmax(want, t * v, v), argmax(got, t * v, v), "token " + t);
        }
    }

    private static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
        return best;
    }
}
