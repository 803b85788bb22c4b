package dev.squeeze.text.lingua2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The reference post-processing of LLMLingua-2 ({@code compress_prompt_llmlingua2} in microsoft/LLMLingua),
 * reimplemented step by step so it can be tested on hand-computed cases: chunking, subword-to-word merging,
 * word probabilities, numpy's linear percentile, drop_consecutive, the keep rule.
 */
public final class Lingua2Math {
    private Lingua2Math() {}

    /**
     * numpy.percentile(values, q) with the default "linear" method, in float64: virtual index
     * n·(q/100) + (1 - q/100) - 1, then numpy's two-sided lerp (a + d·t below t = 0.5, b - d·(1 - t) above).
     */
    public static double percentile(double[] values, double q) {
        if (values.length == 0) throw new IllegalArgumentException("percentile of an empty array");
        if (!(q >= 0 && q <= 100)) throw new IllegalArgumentException("percentile q must be in [0, 100], got " + q);
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        double quantile = q / 100.0;
        double virtual = n * quantile + (1 + quantile * (1 - 1 - 1)) - 1;
        double prev = Math.floor(virtual);
        int lo = (int) Math.max(0, Math.min(prev, n - 1));
        int hi = (int) Math.max(0, Math.min(prev + 1, n - 1));
        double t = virtual - prev;
        double a = s[lo], b = s[hi];
        double d = b - a;
        return t >= 0.5 ? b - d * (1 - t) : a + d * t;
    }

    /** The reference's percentile rank for the keep threshold: int(100 * reduce_rate + 1), in float64 like Python. */
    public static int keepPercentile(double reduceRate) {
        return (int) (100 * reduceRate + 1);
    }

    /**
     * __chunk_context: cuts the token list into chunks of at most maxLen + 1 tokens (maxLen = max_seq_len - 2),
     * each ending at the last chunk-end token found scanning back from st + maxLen; returns token ranges.
     */
    public static List<int[]> chunkRanges(List<String> tokens, Set<String> chunkEnds, int maxLen) {
        List<int[]> out = new ArrayList<>();
        int n = tokens.size(), st = 0;
        while (st < n) {
            if (st + maxLen > n - 1) {
                out.add(new int[] {st, n});
                break;
            }
            int ed = st + maxLen;
            for (int j = 0; j < ed - st; j++) {
                if (chunkEnds.contains(tokens.get(ed - j))) {
                    ed = ed - j;
                    break;
                }
            }
            out.add(new int[] {st, ed + 1});
            st = ed + 1;
        }
        return out;
    }

    /**
     * Words merged from subword tokens with per-token probabilities (forced) and the reference's "no force" lists.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Words(List<String> words, List<double[]> probs, List<double[]> probsNoForce) {}

    /**
     * __merge_token_to_word. Force tokens and (when {@code forceDigit}) tokens containing a digit get 1.0.
     * Faithful quirk: a continuation piece's "no force" probability repeats the word's first piece (the
     * reference appends a stale variable there); it only affects the context-level filter.
     */
    public static Words mergeToWords(
            List<String> tokens, float[] probs, SubwordScheme scheme, Set<String> forceTokens, boolean forceDigit) {
        List<String> words = new ArrayList<>();
        List<List<Double>> wp = new ArrayList<>(), wpn = new ArrayList<>();
        double probNoForce = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            double prob = probs[i];
            if (words.isEmpty() || scheme.beginsWord(token, forceTokens)) {
                String pure = scheme.pure(token);
                probNoForce = prob;
                if (forceTokens.contains(pure)) prob = 1.0;
                words.add(token);
                wp.add(new ArrayList<>(List.of(forceDigit && hasDigit(token) ? 1.0 : prob)));
                wpn.add(new ArrayList<>(List.of(probNoForce)));
            } else {
                int last = words.size() - 1;
                words.set(last, words.get(last) + scheme.pure(token));
                wp.get(last).add(forceDigit && hasDigit(token) ? 1.0 : prob);
                wpn.get(last).add(probNoForce);
            }
        }
        return new Words(words, toArrays(wp), toArrays(wpn));
    }

    /** __token_prob_to_word_prob: "mean" or "first". */
    public static double[] wordProbs(List<double[]> tokenProbs, boolean first) {
        double[] out = new double[tokenProbs.size()];
        for (int i = 0; i < out.length; i++) {
            double[] p = tokenProbs.get(i);
            if (first) out[i] = p[0];
            else {
                double s = 0; // Python sum(): left to right
                for (double v : p) s += v;
                out[i] = s / p.length;
            }
        }
        return out;
    }

    /** drop_consecutive: a force token repeated with nothing kept in between gets probability 0. Mutates wordProbs. */
    public static void dropConsecutive(
            List<String> words, double[] wordProbs, Set<String> forceTokens, double reduceRate) {
        double threshold = percentile(wordProbs, (int) (100 * reduceRate));
        boolean between = false;
        String prev = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (forceTokens.contains(w)) {
                if (between) between = false;
                else if (w.equals(prev)) wordProbs[i] = 0.0;
                prev = w;
            } else {
                between |= wordProbs[i] > threshold;
            }
        }
    }

    /**
     * The keep threshold of one chunk: numpy percentile at int(100·reduce_rate + 1) of the word probabilities
     * repeated once per tiktoken token of each word (the word string as merged, "▁" included).
     */
    public static double chunkThreshold(
            List<String> words, double[] wordProbs, int[] tiktokenCounts, double reduceRate) {
        int total = 0;
        for (int c : tiktokenCounts) total += c;
        double[] repeated = new double[total];
        int k = 0;
        for (int i = 0; i < words.size(); i++) for (int j = 0; j < tiktokenCounts[i]; j++) repeated[k++] = wordProbs[i];
        return percentile(repeated, keepPercentile(reduceRate));
    }

    /** The keep rule: p > threshold, or p == 1 when the threshold is 1. */
    public static boolean keep(double p, double threshold) {
        return p > threshold || (threshold == 1.0 && p == threshold);
    }

    static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isDigit(s.charAt(i))) return true;
        return false;
    }

    private static List<double[]> toArrays(List<List<Double>> l) {
        List<double[]> out = new ArrayList<>(l.size());
        for (List<Double> x : l)
            out.add(x.stream().mapToDouble(Double::doubleValue).toArray());
        return out;
    }
}
