package dev.squeeze.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.RealSentences;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The mean-pooling head against langchain4j's AllMiniLmL6V2EmbeddingModel (ONNX Runtime, the same ONNX file, mean
 * pooling over the mask and L2 normalisation, as sentence-transformers): the same unit vectors within 1e-5.
 */
class SentenceEmbeddingTest {
    @Test
    void meanPooledEmbeddingsMatchLangchain4j() throws Exception {
        Path data = SharedData.locate().orElse(null);
        Assumptions.assumeTrue(data != null, "../shared/data not found");
        List<String> texts = RealSentences.load(data, 60, 40);
        AllMiniLmL6V2EmbeddingModel ref = new AllMiniLmL6V2EmbeddingModel();
        List<TextSegment> segs = new ArrayList<>();
        for (String t : texts) segs.add(TextSegment.from(t));
        List<Embedding> want = ref.embedAll(segs).content();
        try (EncoderModel m =
                EncoderModel.loadOnnx(MiniLmFiles.onnx(), MiniLmFiles.tokenizerJson(), 2, KernelProvider.kernels())) {
            float[][] got = m.embed(texts, true);
            double worst = 0;
            for (int i = 0; i < texts.size(); i++) {
                float[] w = want.get(i).vector();
                assertEquals(384, got[i].length);
                double norm = 0;
                for (int j = 0; j < w.length; j++) {
                    worst = Math.max(worst, Math.abs(w[j] - got[i][j]));
                    norm += got[i][j] * (double) got[i][j];
                }
                assertEquals(1.0, norm, 1e-5);
            }
            assertTrue(worst <= 1e-5, "max |ours - langchain4j| = " + worst);
        }
    }
}
