package dev.squeeze.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.runtime.EncoderInput;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.OrtRunner;
import dev.squeeze.encoder.testing.RandomEncoder;
import dev.squeeze.encoder.testing.SyntheticTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random-weight token classifiers of every supported architecture, loaded from their Hugging Face folder by the
 * pure-Java encoder, against ONNX Runtime running the same weights as a standard-op ONNX graph: logits within 1e-4,
 * including padded batches with masks (which, for RoBERTa / XLM-R, also changes the positions of right padding).
 */
class HfFolderAgainstOrtTest {
    @TempDir
    Path tmp;

    private void check(Architecture arch, boolean f16, byte[] tokenizer, int vocab) throws Exception {
        RandomEncoder r = new RandomEncoder(arch, vocab, 48, 2, 4, 96, 64, 2, 11);
        Path dir = tmp.resolve(arch + (f16 ? "-f16" : ""));
        r.write(dir, tokenizer, f16);
        Random rnd = new Random(3);
        int[][] ids = new int[5][];
        for (int b = 0; b < ids.length; b++) {
            ids[b] = new int[3 + rnd.nextInt(40)];
            for (int t = 0; t < ids[b].length; t++) ids[b][t] = 2 + rnd.nextInt(vocab - 2); // never the padding id
        }
        try (EncoderModel m = EncoderModel.loadFolder(dir, 2, KernelProvider.kernels());
                OrtRunner ort = new OrtRunner(dir.resolve("model.onnx"), 1)) {
            assertEquals(arch, m.config().architecture());
            assertEquals(2, m.config().numLabels());
            float[] ours = m.encoder().classify(EncoderInput.of(ids));
            float[][][] ref = ort.runPadded(ids, r.pad);
            double worst = 0;
            int row = 0;
            for (int b = 0; b < ids.length; b++) {
                for (int t = 0; t < ids[b].length; t++, row++) {
                    for (int j = 0; j < 2; j++) worst = Math.max(worst, Math.abs(ours[row * 2 + j] - ref[b][t][j]));
                }
            }
            assertTrue(worst <= 1e-4, arch + (f16 ? " f16" : "") + ": max |logit difference| " + worst);
            float spread = 0;
            for (int i = 0; i < ours.length; i += 2) spread = Math.max(spread, Math.abs(ours[i] - ours[i + 1]));
            assertTrue(spread > 1f, "the random head separates the labels: " + spread);
        }
    }

    @Test
    void bertFolderMatchesOnnxRuntime() throws Exception {
        check(Architecture.BERT, false, Files.readAllBytes(MiniLmFiles.tokenizerJson()), 30522);
    }

    @Test
    void bertFolderInHalfPrecisionMatchesOnnxRuntime() throws Exception {
        check(Architecture.BERT, true, Files.readAllBytes(MiniLmFiles.tokenizerJson()), 30522);
    }

    @Test
    void xlmRobertaFolderMatchesOnnxRuntime() throws Exception {
        byte[] tok = SyntheticTokenizers.unigram(MiniLmFiles.tokenizerJson(), 7);
        int vocab = dev.squeeze.encoder.tokenizer.HfTokenizer.parse(tok, "synthetic")
                .vocabSize();
        check(Architecture.XLM_ROBERTA, false, tok, vocab);
    }

    @Test
    void distilBertFolderMatchesOnnxRuntime() throws Exception {
        check(Architecture.DISTILBERT, false, Files.readAllBytes(MiniLmFiles.tokenizerJson()), 30522);
    }

    @Test
    void ourOnnxReaderReadsTheWrittenBertGraph() throws Exception {
        RandomEncoder r = new RandomEncoder(Architecture.BERT, 30522, 48, 2, 4, 96, 64, 0, 5);
        Path dir = tmp.resolve("bert-hidden");
        r.write(dir, Files.readAllBytes(MiniLmFiles.tokenizerJson()), false);
        int[] ids = {101, 2023, 2003, 1037, 3231, 102};
        try (EncoderModel viaOnnx = EncoderModel.loadOnnx(
                        dir.resolve("model.onnx"), dir.resolve("tokenizer.json"), 1, KernelProvider.kernels());
                EncoderModel viaFolder = EncoderModel.loadFolder(dir, 1, KernelProvider.kernels())) {
            assertEquals(4, viaOnnx.config().heads());
            assertEquals(1e-5f, viaOnnx.config().layerNormEps(), 1e-10f);
            float[] a = viaOnnx.encoder().forward(EncoderInput.of(ids)).hidden();
            float[] b = viaFolder.encoder().forward(EncoderInput.of(ids)).hidden();
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-6f);
        }
    }
}
