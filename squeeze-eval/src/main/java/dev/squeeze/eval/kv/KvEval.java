package dev.squeeze.eval.kv;

import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.Presses;
import dev.squeeze.kv.select.GemFilter;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The measurement protocols of the kv suite, all compared with the full cache on the same tokens:
 * <ul>
 *   <li>{@link #prefillThenDecode}: kvpress style. A context is prefilled and compressed, then the
 *       continuation is teacher-forced token by token; every continuation prediction after the first
 *       is scored (the first comes from the prefill itself, before compression can matter).</li>
 *   <li>{@link #tokenByToken}: the ANCHORS setting. A window is fed one token at a time, the press holding
 *       a fixed per-layer budget at every step; every prediction is scored.</li>
 * </ul>
 * Scores: teacher-forced NLL (perplexity ratio), top-1 agreement with the full cache, KL(full || press).
 */
public final class KvEval {
    private KvEval() {}

    /** A context to compress and the continuation to score. */
    public record Window(int[] context, int[] continuation) {}

    /** Per-prediction logits (rows) plus bytes held. */
    public record Run(float[][] logits, long bytesAfterPrefill, long bytesEnd, int[] targets) {}

    /**
     * Sums over predictions, plus each window's NLL difference so that the ratio gets a confidence
     * interval: windows are the independent units (predictions inside one window are correlated).
     */
    public static final class Tally {
        double nll, nllRef, kl;
        long count, agree, hits, bytes, bytesRef, windows;
        private final List<double[]> perWindow = new ArrayList<>(); // {sum of (nll - nllRef), predictions}

        public void add(Run ref, Run run) {
            add(ref, run, null);
        }

        /** Adds the predictions of one window; with a mask, only those where it is true. */
        public void add(Run ref, Run run, boolean @Nullable [] mask) {
            int vocab = ref.logits[0].length;
            double diff = 0;
            int scored = 0;
            for (int i = 0; i < ref.logits.length; i++) {
                if (mask != null && !mask[i]) continue;
                scored++;
                double[] lp = logSoftmax(run.logits[i]), lq = logSoftmax(ref.logits[i]);
                int tgt = ref.targets[i];
                nll -= lp[tgt];
                nllRef -= lq[tgt];
                diff += lq[tgt] - lp[tgt];
                double k = 0;
                for (int v = 0; v < vocab; v++) k += Math.exp(lq[v]) * (lq[v] - lp[v]);
                kl += k;
                int top = argmax(run.logits[i]);
                if (top == argmax(ref.logits[i])) agree++;
                if (top == tgt) hits++;
                count++;
            }
            bytes += run.bytesAfterPrefill;
            bytesRef += ref.bytesAfterPrefill;
            windows++;
            perWindow.add(new double[] {diff, scored});
        }

        /**
         * Standard error of the mean NLL difference per prediction (ratio estimator over windows:
         * sqrt(sum_w (d_w - m n_w)^2 / (W (W - 1))) / mean n_w); NaN with fewer than 2 windows.
         */
        public double nllDiffStdErr() {
            int w = perWindow.size();
            if (w < 2) return Double.NaN;
            double m = (nll - nllRef) / count, ss = 0;
            for (double[] d : perWindow) ss += (d[0] - m * d[1]) * (d[0] - m * d[1]);
            return Math.sqrt(ss / ((double) w * (w - 1))) / ((double) count / w);
        }

        /** Lower end of the 95 % interval of the perplexity ratio (normal approximation over windows). */
        public double pplRatioLow() {
            return Math.exp((nll - nllRef) / count - 1.96 * nllDiffStdErr());
        }

        /** Upper end of the 95 % interval of the perplexity ratio. */
        public double pplRatioHigh() {
            return Math.exp((nll - nllRef) / count + 1.96 * nllDiffStdErr());
        }

        public long windowCount() {
            return windows;
        }

        public double pplRatio() {
            return Math.exp((nll - nllRef) / count);
        }

        public double ppl() {
            return Math.exp(nll / count);
        }

        public double pplRef() {
            return Math.exp(nllRef / count);
        }

        public double agreement() {
            return (double) agree / count;
        }
        /** Top-1 accuracy against the text (the teacher-forced targets). */
        public double accuracy() {
            return (double) hits / count;
        }

        public double kl() {
            return kl / count;
        }

        public long kvBytes() {
            return windows == 0 ? 0 : bytes / windows;
        }

        public long fullKvBytes() {
            return windows == 0 ? 0 : bytesRef / windows;
        }

        public long count() {
            return count;
        }
    }

    static double[] logSoftmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) max = Math.max(max, v);
        double s = 0;
        for (float v : x) s += Math.exp(v - max);
        double lse = max + Math.log(s);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] - lse;
        return out;
    }

    static int argmax(float[] x) {
        int b = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[b]) b = i;
        return b;
    }

    /** A reusable session for one press spec (null or "none": full cache). */
    public static Session session(LlamaModel model, String spec) {
        SessionOptions.Builder b = SessionOptions.builder();
        if (spec != null && !spec.equals("none")) {
            KvHook h = Presses.create(spec, model);
            if (h != null) b.hook(h);
        }
        return model.newSession(b.build());
    }

    /** Prefill the context (compressed by the session's press), then teacher-force the continuation. */
    public static Run prefillThenDecode(Session s, Window w) {
        s.reset();
        s.prefill(w.context, false);
        long after = s.kvBytes();
        int m = w.continuation.length;
        float[][] logits = new float[m - 1][];
        int[] targets = new int[m - 1];
        for (int i = 0; i < m - 1; i++) {
            logits[i] = s.step(w.continuation[i]).clone();
            targets[i] = w.continuation[i + 1];
        }
        return new Run(logits, after, s.kvBytes(), targets);
    }

    /** GemFilter: select {@code k} context tokens at the filter layer, rerun on them, then the continuation. */
    public static Run gemFilter(LlamaModel model, Session fresh, Window w, int k) {
        GemFilter.Selection sel = GemFilter.select(
                model, w.context, GemFilter.defaultLayer(model.config().nLayers()), k, 5);
        return prefillThenDecode(fresh, new Window(sel.tokens(), w.continuation));
    }

    /** Feeds {@code tokens} one at a time; predictions of tokens[1..]. */
    public static Run tokenByToken(Session s, int[] tokens) {
        s.reset();
        float[][] logits = new float[tokens.length - 1][];
        int[] targets = new int[tokens.length - 1];
        long peak = 0;
        for (int i = 0; i < tokens.length - 1; i++) {
            logits[i] = s.step(tokens[i]).clone();
            targets[i] = tokens[i + 1];
            peak = Math.max(peak, s.kvBytes());
        }
        return new Run(logits, peak, s.kvBytes(), targets);
    }

    /** Copy task accuracy: prompt = BOS + seq + seq[0] (compressed), then seq[1..] teacher-forced; correct when argmax = next token. */
    public static double[] copyAccuracy(Session s, List<int[]> seqs) {
        long correct = 0, total = 0, bytes = 0;
        for (int[] seq : seqs) {
            int L = seq.length;
            int[] prompt = new int[L + 2];
            prompt[0] = 1;
            System.arraycopy(seq, 0, prompt, 1, L);
            prompt[L + 1] = seq[0];
            s.reset();
            s.prefill(prompt, false);
            bytes += s.kvBytes();
            for (int i = 1; i < L - 1; i++) {
                float[] lg = s.step(seq[i]);
                if (argmax(lg) == seq[i + 1]) correct++;
                total++;
            }
        }
        return new double[] {(double) correct / total, (double) bytes / seqs.size()};
    }

    /** Accuracy on the first copy (plain language modelling): prompt BOS + seq[0], then seq[1..] teacher-forced. */
    public static double firstCopyAccuracy(Session s, List<int[]> seqs) {
        long correct = 0, total = 0;
        for (int[] seq : seqs) {
            s.reset();
            s.prefill(new int[] {1, seq[0]}, false);
            for (int i = 1; i < seq.length - 1; i++) {
                if (argmax(s.step(seq[i])) == seq[i + 1]) correct++;
                total++;
            }
        }
        return (double) correct / total;
    }

    /** {@code count} sequences of {@code length} distinct token ids drawn from [lo, hi) (a copy task without ambiguity). */
    public static List<int[]> distinctSequences(int count, int length, int lo, int hi, long seed) {
        if (length > hi - lo)
            throw new IllegalArgumentException(
                    "cannot draw " + length + " distinct tokens from [" + lo + ", " + hi + ")");
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        int[] pool = new int[hi - lo];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < pool.length; j++) pool[j] = lo + j;
            for (int j = 0; j < length; j++) {
                int k = j + r.nextInt(pool.length - j);
                int t = pool[j];
                pool[j] = pool[k];
                pool[k] = t;
            }
            out.add(Arrays.copyOf(pool, length));
        }
        return out;
    }

    public static List<int[]> randomSequences(int count, int length, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] s = new int[length];
            for (int j = 0; j < length; j++) s[j] = 3 + r.nextInt(vocab - 3);
            out.add(s);
        }
        return out;
    }

    /**
     * Token stream of a text file: paragraphs (blank-line separated) or lines, each encoded without BOS,
     * concatenated; cut into windows of BOS + (len - 1) tokens. Stops after {@code maxWindows}.
     */
    public static List<int[]> windows(Tokenizer tok, Path file, int len, int maxWindows, boolean byLine)
            throws IOException {
        String all = Files.readString(file);
        String[] parts = byLine ? all.split("\\r?\\n") : all.split("\\r?\\n\\s*\\r?\\n");
        List<int[]> out = new ArrayList<>();
        int[] buf = new int[len];
        int fill = 1;
        buf[0] = 1;
        for (String p : parts) {
            String s = p.strip();
            if (s.isEmpty() || (byLine && s.startsWith("="))) continue;
            if (s.length() > 4000) s = s.substring(0, 4000);
            for (int t : tok.encode(s, false)) {
                buf[fill++] = t;
                if (fill == len) {
                    out.add(buf.clone());
                    if (out.size() == maxWindows) return out;
                    fill = 1;
                }
            }
        }
        return out;
    }

    public static Window split(int[] window, int contextLen) {
        return new Window(Arrays.copyOf(window, contextLen), Arrays.copyOfRange(window, contextLen, window.length));
    }

    /** Runs a press over windows against precomputed references. */
    public static Tally tally(List<Window> ws, List<Run> refs, Function<Window, Run> press) {
        return tally(ws, refs, null, press);
    }

    /** The same, scoring only the predictions each window's mask marks (null: all). */
    public static Tally tally(
            List<Window> ws, List<Run> refs, @Nullable List<boolean[]> masks, Function<Window, Run> press) {
        Tally t = new Tally();
        for (int i = 0; i < ws.size(); i++)
            t.add(refs.get(i), press.apply(ws.get(i)), masks == null ? null : masks.get(i));
        return t;
    }
}
