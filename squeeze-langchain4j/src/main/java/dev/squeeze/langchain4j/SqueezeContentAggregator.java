package dev.squeeze.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.content.aggregator.DefaultContentAggregator;
import dev.langchain4j.rag.query.Query;
import dev.squeeze.text.DocumentSetCompressor;
import dev.squeeze.text.TokenCounter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A LangChain4j {@link ContentAggregator} that fuses the retrieved contents and compresses them, query-aware, to
 * one token budget before they are injected into the prompt.
 *
 * <p>Fusion is LangChain4j's own, done by its {@link DefaultContentAggregator}: reciprocal rank fusion
 * ({@code ReciprocalRankFuser}, score = sum over lists of 1 / (k + rank), k = 60, Cormack et al. 2009) of each
 * query's lists, then of the per-query results; equal contents ({@code Content.equals}) are merged. The fused
 * contents are then compressed together by a {@link DocumentSetCompressor} against the query text(s): documents
 * are ranked and budgeted jointly, irrelevant ones may vanish (remnants under {@value #MIN_REMNANT_TOKENS} tokens
 * are dropped), and each surviving content keeps its metadata. With {@code maxResults} the fused list is cut
 * before compression. Thread-safe.
 */
public final class SqueezeContentAggregator implements ContentAggregator {
    /** Compressed contents shorter than this are dropped rather than injected. */
    static final int MIN_REMNANT_TOKENS = 4;

    private static final TokenCounter COUNTER = TokenCounter.cl100k();
    private static final ContentAggregator FUSION = new DefaultContentAggregator();

    private final DocumentSetCompressor compressor;
    private final int budgetTokens;
    private final int maxResults;

    /** Default method and cl100k counts, no cut. */
    public SqueezeContentAggregator(int budgetTokens) {
        this(DocumentSetCompressor.withDefaults(), budgetTokens, Integer.MAX_VALUE);
    }

    public SqueezeContentAggregator(DocumentSetCompressor compressor, int budgetTokens, int maxResults) {
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        if (budgetTokens <= 0) throw new IllegalArgumentException("budgetTokens must be > 0, got " + budgetTokens);
        if (maxResults <= 0) throw new IllegalArgumentException("maxResults must be > 0, got " + maxResults);
        this.budgetTokens = budgetTokens;
        this.maxResults = maxResults;
    }

    @Override
    public List<Content> aggregate(Map<Query, Collection<List<Content>>> queryToContents) {
        List<Content> fused = FUSION.aggregate(queryToContents);
        if (fused.size() > maxResults) fused = fused.subList(0, maxResults);
        Set<String> queries = new LinkedHashSet<>();
        for (Query q : queryToContents.keySet()) queries.add(q.text());
        return compress(compressor, fused, String.join("\n", queries), budgetTokens);
    }

    /** Compresses contents to a budget; empty results are dropped, metadata kept. Shared with the injector. */
    static List<Content> compress(
            DocumentSetCompressor compressor, List<Content> contents, String question, int budget) {
        if (contents.isEmpty()) return List.of();
        List<String> texts = new ArrayList<>(contents.size());
        for (Content c : contents) texts.add(c.textSegment().text());
        DocumentSetCompressor.Result r =
                compressor.compress(texts, question == null || question.isBlank() ? null : question, budget);
        List<Content> out = new ArrayList<>(contents.size());
        for (int i = 0; i < contents.size(); i++) {
            String t = r.documents().get(i);
            // A remnant of a few tokens ("is", "at the") carries nothing the model can use: drop it.
            if (t.isBlank() || (!t.equals(texts.get(i)) && COUNTER.count(t) < MIN_REMNANT_TOKENS)) continue;
            Content c = contents.get(i);
            out.add(
                    t.equals(texts.get(i))
                            ? c
                            : Content.from(TextSegment.from(t, c.textSegment().metadata()), c.metadata()));
        }
        return out;
    }
}
