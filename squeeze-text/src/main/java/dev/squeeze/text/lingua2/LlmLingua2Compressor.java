package dev.squeeze.text.lingua2;

import dev.squeeze.text.AbstractPromptCompressor;
import dev.squeeze.text.SegmentContext;
import dev.squeeze.text.TokenCounter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * LLMLingua-2 (Pan et al., "LLMLingua-2: Data Distillation for Efficient and Faithful Task-Agnostic Prompt
 * Compression", ACL Findings 2024, arXiv:2403.12968): a token classifier (XLM-R large or mBERT fine-tuned on
 * GPT-4-distilled labels) gives each token P(keep); words keep the mean of their subword probabilities; per
 * chunk, words above the percentile threshold survive. Reference behaviour reproduced ({@link Lingua2Math}):
 * chunks of at most 510 model tokens cut after "." or "\n" (chunk_end_tokens), word prob = mean (or "first"),
 * force tokens at 1.0, digits at 1.0 when numbers are forced (force_reserve_digit), per-chunk numpy-linear
 * percentile at int(100·(1-rate)+1) over word probabilities repeated per tiktoken (cl100k) token, keep
 * p &gt; threshold (or p == 1 when threshold == 1), optional drop_consecutive, optional context-level filter
 * (contexts = blank-line paragraphs, context prob = mean word prob, kept when &gt;= percentile at
 * int(100·(1-(rate+1)/2)), then rate = target / kept tokens), chunks joined with "" and contexts with "\n\n".
 *
 * <p>Additions the reference lacks (off unless asked): {@code threshold=P} keeps words with probability
 * &gt; P (no rate), and with a question, words that occur in the question get p + {@code queryWeight}·(1 - p)
 * (default 0.5) before thresholding. Deviations: force tokens the model splits into several pieces are
 * matched as whole words instead of being added to the vocabulary (the reference's token_map), and a chunk
 * that starts with a continuation piece starts a new word instead of raising.
 */
public final class LlmLingua2Compressor extends AbstractPromptCompressor {
    public static final String NAME = "llmlingua-2";

    private final TokenClassifier model;
    private final Settings settings;

    /**
     * @param tokenToWord        "mean" (reference default) or "first"
     * @param dropConsecutive    the reference's drop_consecutive
     * @param contextLevelFilter the reference's use_context_level_filter (contexts = blank-line paragraphs)
     * @param forceTokens        always kept (e.g. "\n", "?")
     * @param chunkEndTokens     chunk boundaries (reference: ".", "\n")
     * @param threshold          fixed probability threshold, or {@code null} for the rate's percentile
     * @param queryWeight        pull of question words toward 1
     */
    public record Settings(
            String tokenToWord,
            boolean dropConsecutive,
            boolean contextLevelFilter,
            List<String> forceTokens,
            List<String> chunkEndTokens,
            @Nullable Double threshold,
            double queryWeight) {
        public Settings {
            if (!"mean".equals(tokenToWord) && !"first".equals(tokenToWord)) {
                throw new IllegalArgumentException("tokenToWord must be mean or first, got " + tokenToWord);
            }
            forceTokens = List.copyOf(forceTokens);
            chunkEndTokens = List.copyOf(chunkEndTokens);
            if (threshold != null && !(threshold >= 0 && threshold <= 1))
                throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
            if (!(queryWeight >= 0 && queryWeight <= 1))
                throw new IllegalArgumentException("queryWeight must be in [0, 1], got " + queryWeight);
        }

        public static Settings reference() {
            return new Settings("mean", false, false, List.of(), List.of(".", "\n"), null, 0.5);
        }

        public Settings withThreshold(Double t) {
            return new Settings(
                    tokenToWord, dropConsecutive, contextLevelFilter, forceTokens, chunkEndTokens, t, queryWeight);
        }

        public Settings withForceTokens(List<String> f) {
            return new Settings(
                    tokenToWord, dropConsecutive, contextLevelFilter, f, chunkEndTokens, threshold, queryWeight);
        }

        public Settings withDropConsecutive(boolean d) {
            return new Settings(
                    tokenToWord, d, contextLevelFilter, forceTokens, chunkEndTokens, threshold, queryWeight);
        }

        public Settings withContextLevelFilter(boolean c) {
            return new Settings(tokenToWord, dropConsecutive, c, forceTokens, chunkEndTokens, threshold, queryWeight);
        }
    }

    public LlmLingua2Compressor(TokenClassifier model, Settings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String method() {
        return NAME;
    }

    @Override
    protected String compressSegment(String text, int target, int segmentTokens, SegmentContext ctx) {
        TokenCounter tik = ctx.counter();
        Set<String> force = new LinkedHashSet<>(settings.forceTokens());
        force.addAll(ctx.forced().tokens());
        boolean forceDigit = ctx.forced().numbers();
        Set<String> ends = new HashSet<>(settings.chunkEndTokens());
        Set<String> question = questionWords(ctx.question());
        double rate = Math.min(target / (double) segmentTokens, 1.0);

        List<String> contexts = settings.contextLevelFilter() ? splitContexts(text) : List.of(text);
        List<List<String>> chunked = new ArrayList<>();
        for (String c : contexts) chunked.add(chunk(c, ends));

        if (settings.contextLevelFilter() && contexts.size() > 1) {
            double contextRate = (rate + 1.0) / 2;
            double[] cp = new double[contexts.size()];
            for (int i = 0; i < cp.length; i++) {
                List<Double> all = new ArrayList<>();
                for (String ch : chunked.get(i)) {
                    Scored s = score(ch, force, forceDigit, question);
                    for (double p :
                            Lingua2Math.wordProbs(s.words.probsNoForce(), "first".equals(settings.tokenToWord())))
                        all.add(p);
                }
                cp[i] = all.stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, all.size());
            }
            double thr = Lingua2Math.percentile(cp, (int) (100 * (1 - contextRate)));
            List<List<String>> reserved = new ArrayList<>();
            int reservedTokens = 0;
            for (int i = 0; i < cp.length; i++) {
                if (cp[i] >= thr) {
                    reserved.add(chunked.get(i));
                    for (String ch : chunked.get(i)) reservedTokens += tik.count(ch);
                }
            }
            chunked = reserved;
            rate = Math.min(target / (double) Math.max(1, reservedTokens), 1.0);
        }
        double reduceRate = Math.max(0, 1 - rate);
        List<String> outContexts = new ArrayList<>();
        for (List<String> chunks : chunked) {
            StringBuilder sb = new StringBuilder();
            for (String ch : chunks)
                sb.append(reduceRate <= 0 ? ch : compressChunk(ch, reduceRate, force, forceDigit, question, tik));
            outContexts.add(sb.toString());
        }
        return String.join("\n\n", outContexts);
    }

    private record Scored(Lingua2Math.Words words, double[] wordProbs) {}

    private Scored score(String chunk, Set<String> force, boolean forceDigit, Set<String> question) {
        List<String> tokens = model.tokenize(chunk);
        int max = model.maxSequenceLength() - 1; // the reference's dataset truncates [CLS] + tokens + [SEP] to 512
        if (tokens.size() > max) tokens = tokens.subList(0, max);
        float[] probs = model.keepProbabilities(List.of(tokens))[0];
        Lingua2Math.Words w = Lingua2Math.mergeToWords(tokens, probs, model.scheme(), force, forceDigit);
        double[] wp = Lingua2Math.wordProbs(w.probs(), "first".equals(settings.tokenToWord()));
        if (!question.isEmpty()) {
            for (int i = 0; i < wp.length; i++) {
                String pure = model.scheme().pure(w.words().get(i)).toLowerCase(Locale.ROOT);
                if (question.contains(pure)) wp[i] = wp[i] + settings.queryWeight() * (1 - wp[i]);
            }
        }
        return new Scored(w, wp);
    }

    private String compressChunk(
            String chunk,
            double reduceRate,
            Set<String> force,
            boolean forceDigit,
            Set<String> question,
            TokenCounter tik) {
        Scored s = score(chunk, force, forceDigit, question);
        List<String> words = s.words.words();
        double[] wp = s.wordProbs;
        if (settings.dropConsecutive()) Lingua2Math.dropConsecutive(words, wp, force, reduceRate);
        double threshold;
        if (settings.threshold() != null) {
            threshold = settings.threshold();
        } else {
            int[] counts = new int[words.size()];
            for (int i = 0; i < counts.length; i++) counts[i] = tik.count(words.get(i));
            threshold = Lingua2Math.chunkThreshold(words, wp, counts, reduceRate);
        }
        List<String> keep = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (!Lingua2Math.keep(wp[i], threshold)) continue;
            String w = words.get(i);
            if (settings.dropConsecutive()
                    && force.contains(w)
                    && !keep.isEmpty()
                    && keep.get(keep.size() - 1).equals(w)) continue;
            keep.add(w);
        }
        return model.scheme().detokenize(keep);
    }

    List<String> chunk(String context, Set<String> ends) {
        List<String> tokens = model.tokenize(context);
        List<String> out = new ArrayList<>();
        for (int[] r : Lingua2Math.chunkRanges(tokens, ends, model.maxSequenceLength() - 2)) {
            out.add(model.scheme().detokenize(tokens.subList(r[0], r[1])));
        }
        return out;
    }

    private static List<String> splitContexts(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split("\\n\\s*\\n")) if (!p.isBlank()) out.add(p.strip());
        return out.isEmpty() ? List.of(text) : out;
    }

    private static Set<String> questionWords(String q) {
        Set<String> out = new HashSet<>();
        if (q == null) return out;
        for (String w : q.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (w.length() > 2) out.add(w);
        return out;
    }
}
