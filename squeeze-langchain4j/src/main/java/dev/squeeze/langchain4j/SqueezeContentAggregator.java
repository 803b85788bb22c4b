package dev.squeeze.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.query.Query;
import dev.squeeze.text.DocumentSetCompressor;
import dev.squeeze.text.TokenCounter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A LangChain4j {@link ContentAggregator} that fuses the retrieved contents and compresses them, query-aware, to
 * one token budget before they are injected into the prompt.
 *
 * <p>Fusion is reciprocal rank fusion (score = sum over lists of 1 / (k + rank), k = 60, Cormack et al. 2009),
 * what LangChain4j's default aggregator does; contents with equal text are merged. The fused contents are then
 * compressed together by a {@link DocumentSetCompressor} against the query text(s): documents are ranked and
 * budgeted jointly, irrelevant ones may vanish (remnants under {@value #MIN_REMNANT_TOKENS} tokens are dropped), and
 * each surviving content keeps its metadata. With
 * {@code maxResults} the fused list is cut before compression. Thread-safe.
 */
public final class SqueezeContentAggregator implements ContentAggregator {
    static final int RRF_K = 60;
    /** Compressed contents shorter than this are dropped rather than injected. */
    static final int MIN_REMNANT_TOKENS = 4;
    private static final TokenCounter COUNTER = TokenCounter.cl100k();

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
        Map<String, Double> score = new LinkedHashMap<>();
        Map<String, Content> first = new LinkedHashMap<>();
        Set<String> queries = new LinkedHashSet<>();
        for (Map.Entry<Query, Collection<List<Content>>> e : queryToContents.entrySet()) {
            queries.add(e.getKey().text());
            for (List<Content> list : e.getValue()) {
                for (int rank = 0; rank < list.size(); rank++) {
                    Content c = list.get(rank);
                    String key = c.textSegment().text();
                    first.putIfAbsent(key, c);
                    score.merge(key, 1.0 / (RRF_K + rank + 1), Double::sum);
                }
            }
        }
        List<String> order = new ArrayList<>(score.keySet());
        order.sort((a, b) -> Double.compare(score.get(b), score.get(a)));
        if (order.size() > maxResults) order = order.subList(0, maxResults);
        List<Content> fused = new ArrayList<>(order.size());
        for (String k : order) fused.add(first.get(k));
        return compress(compressor, fused, String.join("\n", queries), budgetTokens);
    }

    /** Compresses contents to a budget; empty results are dropped, metadata kept. Shared with the injector. */
    static List<Content> compress(DocumentSetCompressor compressor, List<Content> contents, String question, int budget) {
        if (contents.isEmpty()) return List.of();
        List<String> texts = new ArrayList<>(contents.size());
        for (Content c : contents) texts.add(c.textSegment().text());
        DocumentSetCompressor.Result r = compressor.compress(texts, question == null || question.isBlank() ? null : question, budget);
        List<Content> out = new ArrayList<>(contents.size());
        for (int i = 0; i < contents.size(); i++) {
            String t = r.documents().get(i);
            // A remnant of a few tokens ("is", "at the") carries nothing the model can use: drop it.
            if (t.isBlank() || (!t.equals(texts.get(i)) && COUNTER.count(t) < MIN_REMNANT_TOKENS)) continue;
            Content c = contents.get(i);
            out.add(t.equals(texts.get(i)) ? c
                    : Content.from(TextSegment.from(t, c.textSegment().metadata()), c.metadata()));
        }
        return out;
    }
}
