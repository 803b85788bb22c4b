package dev.squeeze.text.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.EncoderModel;
import dev.squeeze.encoder.distill.Model2VecDistiller;
import dev.squeeze.encoder.distill.StaticEmbeddings;
import dev.squeeze.encoder.runtime.EncoderInput;
import dev.squeeze.encoder.runtime.EncoderOutput;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.tokenizer.HfTokenizer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped static embeddings against the model they claim to come from: the file records the SHA-256 of the ONNX
 * weights and tokenizer.json of the langchain4j all-MiniLM-L6-v2 artifact, and for sample vocabulary entries the
 * Model2Vec steps redone here on the fly (encoder on [CLS] entry [SEP], mean, the file's PCA projection, the SIF
 * weight of the entry's rank) give the stored vector up to int8 rounding.
 */
class StaticTokenEmbeddingsTest {
    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            md.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void recordsTheSourceFilesItWasDistilledFrom() throws Exception {
        StaticEmbeddings e = StaticTokenEmbeddings.miniLm();
        assertEquals(
                sha256(MiniLmFiles.onnx()),
                e.metadata().path("source").path("weightsSha256").asText());
        assertEquals(
                sha256(MiniLmFiles.tokenizerJson()),
                e.metadata().path("source").path("tokenizerSha256").asText());
        assertEquals(256, e.dims());
        assertEquals(30522, e.vocabSize());
        assertEquals(1e-4, e.metadata().path("sifCoefficient").asDouble(), 0);
    }

    @Test
    void sampleEntriesMatchOnTheFlyDistillation() throws Exception {
        StaticEmbeddings e = StaticTokenEmbeddings.miniLm();
        HfTokenizer tok = e.tokenizer();
        List<Integer> vocab = Model2VecDistiller.vocabulary(tok, Model2VecDistiller.Settings.reference());
        assertEquals(e.metadata().path("vocabulary").asInt(), vocab.size());
        double norm = 0;
        for (int r = 0; r < vocab.size(); r++) norm += 1.0 / (r + 2);
        try (EncoderModel m =
                EncoderModel.loadOnnx(MiniLmFiles.onnx(), MiniLmFiles.tokenizerJson(), 2, KernelProvider.kernels())) {
            int checked = 0;
            double worst = 1;
            for (int r = 0; r < vocab.size(); r += 97) {
                int id = vocab.get(r);
                int[] ids = {101, id, 102};
                int[] mask = {1, id == tok.padId() ? 0 : 1, 1};
                EncoderOutput o = m.encoder().forward(new EncoderInput(new int[][] {ids}, new int[][] {mask}, null));
                float[] mean = new float[384];
                int kept = 0;
                for (int t = 0; t < 3; t++) {
                    if (mask[t] == 0) continue;
                    kept++;
                    for (int j = 0; j < 384; j++) mean[j] += o.hidden()[t * 384 + j];
                }
                for (int j = 0; j < 384; j++) mean[j] /= kept;
                float[] proj = new float[256];
                e.pca().project(mean, 0, proj, 0);
                double p = (1.0 / (r + 2)) / norm, w = 1e-4 / (1e-4 + p);
                float[] stored = e.vector(id);
                double dot = 0, a = 0, b = 0;
                for (int j = 0; j < 256; j++) {
                    double x = proj[j] * w;
                    dot += x * stored[j];
                    a += x * x;
                    b += stored[j] * (double) stored[j];
                }
                double cos = dot / Math.sqrt(a * b);
                worst = Math.min(worst, cos);
                assertEquals(1.0, Math.sqrt(b / a), 0.01, "norm of entry " + tok.token(id));
                checked++;
            }
            assertTrue(checked > 300, "checked " + checked);
            assertTrue(worst > 0.999, "worst cosine between stored and recomputed vectors: " + worst);
        }
    }

    @Test
    void vocabularyFollowsTheReferenceFilterAndVectorsCarryMeaning() {
        StaticEmbeddings e = StaticTokenEmbeddings.miniLm();
        HfTokenizer tok = e.tokenizer();
        assertTrue(e.has(tok.id("[PAD]")));
        assertTrue(e.has(tok.id("[UNK]")));
        for (String gone : new String[] {"[CLS]", "[SEP]", "[MASK]", "[unused0]", "[unused993]"})
            assertFalse(e.has(tok.id(gone)), gone);
        assertTrue(e.has(tok.id("##ing")));
        float[] car = e.embed("car"), auto = e.embed("automobile"), banana = e.embed("banana");
        assertTrue(
                cos(car, auto) > cos(car, banana) + 0.1,
                "car~automobile " + cos(car, auto) + " vs car~banana " + cos(car, banana));
        float[] q = e.embed("Who repaired the old clock in the square?");
        float[] ans = e.embed("The bell mechanism was fixed by a retired watchmaker.");
        float[] other = e.embed("Interest rates rose sharply in the third quarter.");
        assertTrue(cos(q, ans) > cos(q, other), "question closer to its paraphrased answer");
    }

    static double cos(float[] a, float[] b) {
        double d = 0, x = 0, y = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * (double) b[i];
            x += a[i] * (double) a[i];
            y += b[i] * (double) b[i];
        }
        return d / Math.sqrt(x * y);
    }
}
