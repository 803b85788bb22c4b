package dev.squeeze.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.EncoderModel;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.OrtRunner;
import dev.squeeze.encoder.testing.RealSentences;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java encoder on all-MiniLM-L6-v2's ONNX initializers against ONNX Runtime running the same file: per-token
 * last_hidden_state within 1e-4 over 300 real sentences, ORT fed right-padded batches with attention masks, ours
 * ragged batches; and our own padded + masked input (right and left padding) against our ragged one.
 */
class MiniLmAgainstOrtTest {
    static EncoderModel model;
    static OrtRunner ort;

    @BeforeAll
    static void load() throws Exception {
        model = EncoderModel.loadOnnx(MiniLmFiles.onnx(), MiniLmFiles.tokenizerJson(), 2, KernelProvider.kernels());
        ort = new OrtRunner(MiniLmFiles.onnx(), 2);
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
        ort.close();
    }

    @Test
    void graphIsReadAsMiniLm() {
        var c = model.config();
        assertEquals(30522, c.vocabSize());
        assertEquals(384, c.hidden());
        assertEquals(6, c.layers());
        assertEquals(12, c.heads());
        assertEquals(1536, c.intermediate());
        assertEquals(512, c.maxPositions());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12f, c.layerNormEps(), 1e-18f);
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        Path data = SharedData.locate().orElse(null);
        Assumptions.assumeTrue(data != null, "../shared/data not found");
        List<String> texts = RealSentences.load(data, 200, 100);
        double worst = 0;
        long tokens = 0;
        for (int i = 0; i < texts.size(); i += 16) {
            List<String> chunk = texts.subList(i, Math.min(texts.size(), i + 16));
            int[][] ids = new int[chunk.size()][];
            for (int b = 0; b < ids.length; b++) ids[b] = model.ids(chunk.get(b));
            float[][][] ref = ort.runPadded(ids, 0);
            EncoderOutput ours = model.encoder().forward(EncoderInput.of(ids));
            for (int b = 0; b < ids.length; b++) {
                for (int t = 0; t < ids[b].length; t++) {
                    float[] h = ours.token(b, t);
                    for (int e = 0; e < h.length; e++) worst = Math.max(worst, Math.abs(h[e] - ref[b][t][e]));
                    tokens++;
                }
            }
        }
        assertEquals(300, texts.size());
        assertTrue(tokens > 5000, "tokens compared: " + tokens);
        assertTrue(worst <= 1e-4, "max |ours - ONNX Runtime| over " + tokens + " tokens = " + worst);
        System.out.printf(
                "MiniLM vs ONNX Runtime: %d sentences, %d tokens, max abs difference %.3g%n",
                texts.size(), tokens, worst);
    }

    @Test
    void paddedAndMaskedBatchesEqualRaggedOnes() throws Exception {
        String[] texts = {
            "A short one.",
            "A somewhat longer sentence about retrieval and compression of prompts.",
            "Mid length text here."
        };
        int[][] ids = new int[texts.length][];
        int max = 0;
        for (int b = 0; b < texts.length; b++) {
            ids[b] = model.ids(texts[b]);
            max = Math.max(max, ids[b].length);
        }
        EncoderOutput ragged = model.encoder().forward(EncoderInput.of(ids));
        int[][] right = new int[texts.length][max], mask = new int[texts.length][max];
        for (int b = 0; b < texts.length; b++) {
            System.arraycopy(ids[b], 0, right[b], 0, ids[b].length);
            for (int t = 0; t < ids[b].length; t++) mask[b][t] = 1;
        }
        EncoderOutput padded = model.encoder().forward(new EncoderInput(right, mask, null));
        for (int b = 0; b < texts.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                float[] x = ragged.token(b, t), y = padded.token(b, t);
                for (int e = 0; e < x.length; e++) assertEquals(x[e], y[e], 1e-5f, "right padding b=" + b + " t=" + t);
            }
        }
        // left padding shifts BERT's positions (as in HF); compare with ONNX Runtime given the same mask
        long[][] lids = new long[texts.length][max], lmask = new long[texts.length][max];
        int[][] lidsI = new int[texts.length][max], lmaskI = new int[texts.length][max];
        for (int b = 0; b < texts.length; b++) {
            int off = max - ids[b].length;
            for (int t = 0; t < ids[b].length; t++) {
                lids[b][off + t] = ids[b][t];
                lidsI[b][off + t] = ids[b][t];
                lmask[b][off + t] = 1;
                lmaskI[b][off + t] = 1;
            }
        }
        float[][][] ref = ort.run(lids, lmask);
        EncoderOutput left = model.encoder().forward(new EncoderInput(lidsI, lmaskI, null));
        for (int b = 0; b < texts.length; b++) {
            for (int t = max - ids[b].length; t < max; t++) {
                float[] h = left.token(b, t);
                for (int e = 0; e < h.length; e++)
                    assertEquals(ref[b][t][e], h[e], 1e-4f, "left padding b=" + b + " t=" + t);
            }
        }
    }
}
