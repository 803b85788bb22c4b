package dev.squeeze.springai;

import dev.squeeze.text.DocumentSetCompressor;
import dev.squeeze.text.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.postretrieval.document.DocumentPostProcessor;

/**
 * A Spring AI {@link DocumentPostProcessor} for {@code RetrievalAugmentationAdvisor}: compresses the retrieved
 * documents, query-aware against the (transformed) query text, to one shared token budget before they are
 * joined into the prompt. Documents are ranked and budgeted together by a {@link DocumentSetCompressor}; a
 * document pruned to nothing (or to a remnant under 4 tokens) is dropped; the others keep their id, metadata and
 * score, with the shortened text. Non-text documents pass through. Thread-safe.
 */
public final class SqueezeDocumentPostProcessor implements DocumentPostProcessor {
    static final int MIN_REMNANT_TOKENS = 4;
    private static final TokenCounter COUNTER = TokenCounter.cl100k();

    private final DocumentSetCompressor compressor;
    private final int budgetTokens;

    /** The default method (semantic, offline), cl100k_base counts. */
    public SqueezeDocumentPostProcessor(int budgetTokens) {
        this(DocumentSetCompressor.withDefaults(), budgetTokens);
    }

    public SqueezeDocumentPostProcessor(DocumentSetCompressor compressor, int budgetTokens) {
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        if (budgetTokens <= 0) throw new IllegalArgumentException("budgetTokens must be > 0, got " + budgetTokens);
        this.budgetTokens = budgetTokens;
    }

    @Override
    public List<Document> process(@Nullable Query query, List<Document> documents) {
        List<Document> text = new ArrayList<>();
        for (Document d : documents) if (d.isText() && d.getText() != null) text.add(d);
        if (text.isEmpty()) return documents;
        List<String> texts = text.stream().map(Document::getText).toList();
        DocumentSetCompressor.Result r = compressor.compress(texts, query == null ? null : query.text(), budgetTokens);
        List<Document> out = new ArrayList<>(documents.size());
        int j = 0;
        for (Document d : documents) {
            if (!(d.isText() && d.getText() != null)) {
                out.add(d);
                continue;
            }
            String t = r.documents().get(j);
            String orig = texts.get(j++);
            if (t.equals(orig)) out.add(d);
            else if (!t.isBlank() && COUNTER.count(t) >= MIN_REMNANT_TOKENS)
                out.add(d.mutate().text(t).build());
        }
        return out;
    }
}
