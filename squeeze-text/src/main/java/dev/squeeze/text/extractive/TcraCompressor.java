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
 * TCRA-LLM semantic compression (Liu et al., "TCRA-LLM: Token Compression Retrieval Augmented Large Language
 * Model for Inference Cost Reduction", Findings of EMNLP 2023, arXiv:2310.15556): words are removed from each
 * sentence where their removal moves the sentence embedding least, until the token budget is met.
 *
 * <p>For each sentence with words w_1..w_n, impact(w_i) = 1 - cos(e(sentence), e(sentence without w_i)); words
 * are dropped across the whole text in increasing impact until the kept text fits. Deviation (cost): impacts are
 * leave-one-out values computed once per sentence (n + 1 embeddings) instead of being recomputed after every
 * deletion (O(n²) embeddings). Forced words (numbers, URLs, ... as the request asks) are never dropped; the
 * result can then stay above the budget. Embedder: all-MiniLM-L6-v2 by default, pluggable.
 */
public final class TcraCompressor extends AbstractPromptCompressor {
    public static final String NAME = "tcra";
    private final Embedder embedder;

    public TcraCompressor(Embedder embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    @Override
    public String method() {
        return NAME;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        TokenCounter counter = ctx.counter();
        List<Sentences.Span> spans = Sentences.split(text);
        List<String[]> words = new ArrayList<>();
        List<float[]> impacts = new ArrayList<>();
        List<Float> all = new ArrayList<>();
        for (Sentences.Span s : spans) {
            String[] w = s.of(text).split("\\s+");
            words.add(w);
            List<String> variants = new ArrayList<>(w.length + 1);
            variants.add(String.join(" ", w));
            for (int i = 0; i < w.length; i++) variants.add(without(w, i));
            float[][] e = w.length > 1 ? embedder.embed(variants) : null;
            float[] imp = new float[w.length];
            for (int i = 0; i < w.length; i++) imp[i] = e == null ? 1f : 1f - Cosine.of(e[0], e[i + 1]);
            impacts.add(imp);
            for (float f : imp) all.add(f);
        }
        // Drop in increasing impact until the estimated count fits, then check exactly.
        int n = all.size();
        long[] keys = new long[n];
        int k = 0;
        for (int s = 0; s < impacts.size(); s++) {
            for (int i = 0; i < impacts.get(s).length; i++, k++) {
                int bits = Float.floatToIntBits(impacts.get(s)[i]);
                bits ^= (bits >> 31) & 0x7fffffff;
                keys[k] = ((long) bits << 32) | k;
            }
        }
        Arrays.sort(keys);
        boolean[] dropped = new boolean[n];
        boolean[] keepForced = new boolean[n];
        if (ctx.forced().any()) {
            int f = 0;
            for (String[] w : words) for (String x : w) keepForced[f++] = Sentences.isForced(x, ctx.forced());
        }
        int[] cost = new int[n];
        k = 0;
        for (String[] w : words) for (String x : w) cost[k++] = counter.count(" " + x);
        String out = render(words, dropped, spans, text);
        int j = 0;
        while (j < n) {
            int excess = counter.count(out) - target;
            if (excess <= 0) break;
            int freed = 0;
            while (j < n && freed < Math.max(1, excess)) {
                int idx = (int) keys[j++];
                if (keepForced[idx]) continue;
                dropped[idx] = true;
                freed += cost[idx];
            }
            out = render(words, dropped, spans, text);
        }
        return out;
    }

    private static String without(String[] w, int skip) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++)
            if (i != skip) sb.append(sb.isEmpty() ? "" : " ").append(w[i]);
        return sb.toString();
    }

    private static String render(List<String[]> words, boolean[] dropped, List<Sentences.Span> spans, String text) {
        StringBuilder sb = new StringBuilder();
        int k = 0;
        for (int s = 0; s < words.size(); s++) {
            StringBuilder sent = new StringBuilder();
            for (String x : words.get(s)) {
                if (!dropped[k++]) sent.append(sent.isEmpty() ? "" : " ").append(x);
            }
            if (sent.isEmpty()) continue;
            if (!sb.isEmpty()) {
                boolean newPara =
                        s > 0 && spans.get(s).paragraph() != spans.get(s - 1).paragraph();
                int from = s > 0 ? spans.get(s - 1).end() : 0, to = spans.get(s).start();
                int nl = text.indexOf('\n', from);
                sb.append(newPara ? "\n\n" : nl >= 0 && nl < to ? "\n" : " ");
            }
            sb.append(sent);
        }
        return sb.toString();
    }
}
