package dev.squeeze.text;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.text.extractive.EmbeddingSentenceScorer;
import dev.squeeze.text.extractive.EncoderEmbedder;
import java.util.Map;
import java.util.Optional;

/**
 * Declares {@link SemanticCompressor}, the default: registry entry and catalog entry. Options: {@code rerank=minilm}
 * (re-rank a shortlist with the full all-MiniLM-L6-v2 on the pure-Java encoder; needs the langchain4j MiniLM artifact
 * on the class path, which the CLI jar bundles) or {@code rerank=none} (default), {@code rerankTokens=N},
 * {@code threads=N} (the encoder's, default all processors), {@code bm25Weight=W}.
 */
public final class SemanticCompressorFactory implements CompressorFactory {
    @Override
    public String name() {
        return SemanticCompressor.NAME;
    }

    @Override
    public PromptCompressor create(Map<String, String> options) {
        SemanticCompressor.Builder b = SemanticCompressor.builder()
                .bm25Weight(MethodOptions.nonNegative(name(), options, "bm25Weight", SemanticCompressor.BM25_WEIGHT))
                .rerankTokens(
                        MethodOptions.positiveInt(name(), options, "rerankTokens", SemanticCompressor.RERANK_TOKENS));
        String rerank = options.getOrDefault("rerank", "none");
        switch (rerank) {
            case "none" -> {}
            case "minilm" ->
                b.reranker(new EmbeddingSentenceScorer(EncoderEmbedder.miniLm(MethodOptions.threads(name(), options))));
            default ->
                throw new IllegalArgumentException(
                        name() + ": option rerank must be none or minilm, got '" + rerank + "'");
        }
        return b.build();
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.TEXT)
                .mechanism(Mechanism.QUERY)
                // This project's own method: no paper describes it; the entry names the ones it is built from.
                .paper(
                        "Squeeze's own method: LongLLMLingua's coarse-to-fine shape (Jiang et al. 2024, arXiv:2310.06839) + Model2Vec "
                                + "static embeddings (Tulkens and van Dongen 2024, github.com/MinishLab/model2vec) matched by ColBERT's MaxSim "
                                + "(Khattab and Zaharia 2020, arXiv:2004.12832)",
                        "the Squeeze project",
                        2026,
                        "https://arxiv.org/abs/2310.06839")
                .inputs("text", "question (optional)")
                .implementation(SemanticCompressor.class)
                .notesResource(getClass())
                .build());
    }
}
