package dev.squeeze.text.extractive;

import dev.squeeze.text.AbstractPromptCompressor;
import dev.squeeze.text.SegmentContext;
import dev.squeeze.text.Sentences;
import dev.squeeze.text.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Extractive RAG compression in the style of RECOMP's extractive compressor (Xu et al., "RECOMP: Improving
 * Retrieval-Augmented LMs with Compression and Selective Augmentation", ICLR 2024, arXiv:2310.04408) and EXIT
 * (Hwang et al., "EXIT: Context-Aware Extractive Compression for Enhancing Retrieval-Augmented Generation",
 * 2024, arXiv:2412.12559): split the retrieved context into sentences, score each against the question, keep
 * the best-scoring sentences that fit the token budget, in their original order. Headings and code blocks are
 * scored like sentences. Without a question, sentences are scored against the whole text, which stands in
 * for the query.
 *
 * <p>Not the papers' trained models: RECOMP trains a contriever-style dual encoder and EXIT a context-aware
 * classifier; here the scorer is pluggable and defaults to the off-the-shelf all-MiniLM-L6-v2 embedding with
 * cosine similarity. Greedy fill: sentences that do not fit are skipped and smaller ones below them may enter.
 * Sentences holding forced content (numbers, URLs, ... as the request asks) are kept first; when no sentence
 * fits the budget the call fails rather than returning an empty context.
 */
public final class ExtractiveCompressor extends AbstractPromptCompressor {
    public static final String NAME = "extractive";
    private final SentenceScorer scorer;

    public ExtractiveCompressor(SentenceScorer scorer) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    @Override
    public String method() {
        return NAME;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        List<Sentences.Span> spans = Sentences.split(text, ctx.forced());
        List<String> sents = new ArrayList<>(spans.size());
        for (Sentences.Span s : spans) sents.add(s.of(text));
        String query = ctx.question() != null ? ctx.question() : text;
        float[] score = scorer.score(query, sents);
        Integer[] order = new Integer[spans.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(score[b], score[a]));
        TokenCounter counter = ctx.counter();
        boolean[] keep = new boolean[spans.size()];
        int used = 0;
        for (int i = 0; i < spans.size(); i++) { // sentences holding forced content go first, whatever their score
            if (!spans.get(i).forced()) continue;
            keep[i] = true;
            used += counter.count(sents.get(i)) + 1;
        }
        if (used > target) {
            throw new IllegalArgumentException("extractive: sentences holding forced content need about " + used
                    + " tokens, more than the budget of " + target + "; raise the rate or keep less");
        }
        for (int i : order) {
            if (keep[i]) continue;
            int c = counter.count(sents.get(i)) + 1; // + separator
            if (used + c > target) continue;
            keep[i] = true;
            used += c;
        }
        boolean any = false;
        for (boolean k : keep) any |= k;
        if (!any) {
            int shortest = Integer.MAX_VALUE;
            for (String x : sents) shortest = Math.min(shortest, counter.count(x));
            throw new IllegalArgumentException("extractive: no sentence fits the budget of " + target
                    + " tokens (the shortest has " + shortest + "); raise the rate or use a token-level method");
        }
        return Sentences.join(text, spans, keep);
    }
}
