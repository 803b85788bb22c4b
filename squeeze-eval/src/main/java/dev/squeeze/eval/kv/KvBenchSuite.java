package dev.squeeze.eval.kv;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.kv.api.Presses;
import dev.squeeze.kv.select.TidalDecodePress;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "kv" suite: every press on stories260K against the full cache.
 * <ul>
 *   <li>kv-tinystories / kv-wikitext: 256-token windows, context 192 prefilled and compressed at keep
 *       0.5 / 0.25 / 0.125, then 64 continuation tokens teacher-forced (62 scored predictions per window).</li>
 *   <li>kv-quant: the same protocol for quantised and low-rank caches (bits 4 and 2) and compositions.</li>
 *   <li>kv-anchor: the ANCHORS setting, 256 tokens fed one by one with a fixed per-layer budget of 64 / 32.</li>
 *   <li>kv-retrieval: copy task on the hand-built {@link InductionModel} (needs no data): 100 distinct random tokens
 *       repeated; accuracy on the second copy (the full cache gets every token).</li>
 *   <li>kv-retrieval-stories: the same on stories260K with repeated 64-token story excerpts (it cannot copy random tokens).</li>
 * </ul>
 * Every perplexity ratio carries a 95 % interval over windows (pplRatioLow / pplRatioHigh).
 * Options: quick=true (few windows), windows=N (default 400: the whole tinystories sample), anchorWindows=N (default
 * 100: token-by-token compression is slow), contextLen=N,
 * tasks=tinystories,wikitext,quant,anchor,retrieval, specs=a:keep={k};... (exploration).
 */
public final class KvBenchSuite implements BenchSuite {
    private static final Logger LOG = LoggerFactory.getLogger(KvBenchSuite.class);
    static final double[] KEEPS = {0.5, 0.25, 0.125};
    /** SnapKV-family observation window for the 192-token contexts here (the default 32 exceeds small targets). */
    static final String[] EVICTORS = {"streamingllm", "h2o", "snapkv", "pyramidkv", "tova", "knorm", "keydiff",
            "expectedattention", "adakv", "kvzip", "random-kv", "ems", "razorattention"};

    private final Map<String, Long> bytes25 = new LinkedHashMap<>();
    private final Map<String, KvEval.Tally> tally25 = new LinkedHashMap<>();

    @Override public String name() { return "kv"; }

    @Override
    public String description() { return "KV-cache presses on stories260K: perplexity ratio, agreement, KL and bytes vs the full cache; anchor setting; copy task"; }

    @Override
    public void run(BenchContext ctx) throws Exception {
        String tasks = ctx.options().getOrDefault("tasks", "tinystories,wikitext,quant,anchor,retrieval");
        // the induction model is built in code: this task needs no data
        if (tasks.contains("retrieval")) {
            inductionRetrievalTask(ctx, ctx.quick() ? 4 : 24);
            ctx.plot(new PlotSpec("kv-retrieval", "Copy-task accuracy vs keep (hand-built induction model)", "keep", "accuracy", "method"));
        }
        if (ctx.dataDir().isEmpty()) {
            ctx.note("kv: ../shared/data is absent; only the induction-model copy task was measured");
            return;
        }
        Path data = ctx.dataDir().get();
        Path modelFile = data.resolve("models/stories260K.bin");
        if (!Files.isRegularFile(modelFile)) {
            ctx.note("kv: models/stories260K.bin is absent; nothing measured");
            return;
        }
        boolean quick = ctx.quick();
        // 400 covers the whole tinystories sample (383 windows of 256 tokens); wikitext is capped at the same count
        int nWin = Integer.parseInt(ctx.options().getOrDefault("windows", quick ? "4" : "400"));
        int ctxLen = Integer.parseInt(ctx.options().getOrDefault("contextLen", "192"));
        try (LlamaModel model = Llama2cLoader.load(modelFile, data.resolve("models/tok512.bin"))) {
            Map<String, Double> at25 = new LinkedHashMap<>();
            Path stories = data.resolve("text/tinystories-sample.txt");
            if (tasks.contains("tinystories")) prefillTask(ctx, model, "kv-tinystories", stories, false, nWin, ctxLen, quick, at25);
            Path wiki = data.resolve("text/wikitext-2/test.txt");
            if (tasks.contains("wikitext") && Files.isRegularFile(wiki)) prefillTask(ctx, model, "kv-wikitext", wiki, true, nWin, ctxLen, true, null);
            if (tasks.contains("quant")) quantTask(ctx, model, stories, nWin, ctxLen);
            if (tasks.contains("anchor")) anchorTask(ctx, model, stories, quick ? 4 : Integer.parseInt(ctx.options().getOrDefault("anchorWindows", String.valueOf(Math.min(nWin, 100)))));
            if (tasks.contains("retrieval")) retrievalTask(ctx, model, stories, quick ? 4 : 24);
            goals(ctx, at25);
            var rh = dev.squeeze.kv.merge.RetrievalHeads.probe(model, 64, 0.14, 0.01, 0);
            float maxInd = 0, maxEcho = 0;
            for (float[] l : rh.induction()) for (float x : l) maxInd = Math.max(maxInd, x);
            for (float[] l : rh.echo()) for (float x : l) maxEcho = Math.max(maxEcho, x);
            ctx.note(String.format(Locale.ROOT, "kv: RazorAttention's probe (64 random tokens repeated) marks %.0f%% of stories260K's KV heads as retrieval heads; "
                    + "the largest induction score is %.3f and echo score %.3f",
                    100 * rh.kvFraction(), maxInd, maxEcho));
        }
        ctx.plot(new PlotSpec("kv-tinystories", "Perplexity ratio to the full cache vs keep (stories260K, tinystories)", "keep", "pplRatio", "method"));
        ctx.plot(new PlotSpec("kv-wikitext", "Perplexity ratio vs keep (stories260K, wikitext-2)", "keep", "pplRatio", "method"));
        ctx.plot(new PlotSpec("kv-quant", "Perplexity ratio vs bits (quantised and low-rank caches)", "bits", "pplRatio", "method"));
        ctx.plot(new PlotSpec("kv-anchor", "Perplexity ratio vs fixed per-layer budget (token by token)", "budget", "pplRatio", "method"));
        ctx.plot(new PlotSpec("kv-retrieval-stories", "Copy of repeated story excerpts vs keep (stories260K)", "keep", "accuracy", "method"));
    }

    private static List<KvEval.Window> windows(LlamaModel model, Path file, boolean byLine, int n, int ctxLen) throws Exception {
        List<KvEval.Window> ws = new ArrayList<>();
        for (int[] w : KvEval.windows(model.tokenizer(), file, 256, n, byLine)) ws.add(KvEval.split(w, ctxLen));
        return ws;
    }

    private static List<KvEval.Run> references(LlamaModel model, List<KvEval.Window> ws) {
        Session full = KvEval.session(model, "none");
        List<KvEval.Run> refs = new ArrayList<>();
        for (KvEval.Window w : ws) refs.add(KvEval.prefillThenDecode(full, w));
        return refs;
    }

    private static Row row(String task, String method, KvEval.Tally t) {
        Row r = Row.of(task).put("method", method).put("pplRatio", t.pplRatio()).put("agreement", t.agreement()).put("kl", t.kl())
                .put("kvBytes", t.kvBytes()).put("fullKvBytes", t.fullKvBytes()).put("byteRatio", (double) t.fullKvBytes() / Math.max(1, t.kvBytes()))
                .put("ppl", t.ppl()).put("pplFull", t.pplRef()).put("predictions", t.count()).put("windows", t.windowCount());
        if (Double.isFinite(t.nllDiffStdErr())) r.put("pplRatioLow", t.pplRatioLow()).put("pplRatioHigh", t.pplRatioHigh());
        return r;
    }

    private void prefillTask(BenchContext ctx, LlamaModel model, String task, Path file, boolean byLine, int n, int ctxLen, boolean quick,
                             Map<String, Double> at25) throws Exception {
        List<KvEval.Window> ws = windows(model, file, byLine, n, ctxLen);
        if (ws.isEmpty()) { ctx.note(task + ": no windows"); return; }
        List<KvEval.Run> refs = references(model, ws);
        String[] presses = quick && at25 == null ? new String[]{"streamingllm", "h2o", "snapkv", "tova", "kvzip", "ems", "razorattention"} : EVICTORS;
        // option specs=a:keep={k},x=1;b:keep={k}: only these specs (exploration); {k} becomes each keep
        String only = ctx.options().get("specs");
        if (only != null) presses = only.split(";");
        try (Progress p = ctx.progress(task, (long) KEEPS.length * (presses.length + (only != null ? 0 : 2)))) {
            for (double keep : KEEPS) {
                for (String press : presses) {
                    String spec = only != null ? press.replace("{k}", String.valueOf(keep)) : press + ":keep=" + keep + extra(press);
                    if (only != null) press = spec.substring(0, spec.indexOf(':'));
                    p.message(spec);
                    Session s = KvEval.session(model, spec);
                    KvEval.Tally t = KvEval.tally(ws, refs, w -> KvEval.prefillThenDecode(s, w));
                    ctx.add(row(task, press, t).put("keep", keep).put("spec", spec));
                    if (at25 != null && keep == 0.25) { at25.put(press, t.pplRatio()); bytes25.put(press, t.kvBytes()); tally25.put(press, t); }
                    LOG.info("{} {} pplRatio {} agreement {} bytes {}/{}", task, spec, fmt(t.pplRatio()), fmt(t.agreement()), t.kvBytes(), t.fullKvBytes());
                    p.step();
                }
                if (only != null) continue;
                if (at25 != null) {
                    // diagnostics for the RazorAttention / EMS notes: without memory matching, without merging
                    String[][] diag = {{"razorattention-unmatched", "razorattention:keep=" + keep},
                            {"ems-evict-only", "ems:keep=" + keep + ",sim=1"}};
                    for (String[] d : diag) {
                        Session s = KvEval.session(model, d[1]);
                        KvEval.Tally t = KvEval.tally(ws, refs, w -> KvEval.prefillThenDecode(s, w));
                        ctx.add(row(task, d[0], t).put("keep", keep).put("spec", d[1]));
                        if (keep == 0.25) at25.put(d[0], t.pplRatio());
                        if (keep == 0.25) bytes25.put(d[0], t.kvBytes());
                    }
                }
                // GemFilter: select keep * context tokens, rerun on them (positions compacted)
                Session fresh = KvEval.session(model, "none");
                int k = Math.max(1, (int) Math.floor(keep * ctxLen));
                KvEval.Tally g = KvEval.tally(ws, refs, w -> KvEval.gemFilter(model, fresh, w, k));
                ctx.add(row(task, "gemfilter", g).put("keep", keep).put("spec", "GemFilter.select(k=" + k + ") + rerun"));
                if (at25 != null && keep == 0.25) {
                    at25.put("gemfilter", g.pplRatio());
                    bytes25.put("gemfilter", g.kvBytes());
                    tally25.put("gemfilter", g);
                }
                LOG.info("{} gemfilter keep {} pplRatio {}", task, keep, fmt(g.pplRatio()));
                p.step();
                // TidalDecode: sparse decode attention, memory not saved; traffic fraction reported
                TidalDecodePress tidal = (TidalDecodePress) Presses.create("tidaldecode:keep=" + keep, model);
                Session ts = model.newSession(SessionOptions.builder().hook(tidal).build());
                KvEval.Tally td = KvEval.tally(ws, refs, w -> KvEval.prefillThenDecode(ts, w));
                ctx.add(row(task, "tidaldecode", td).put("keep", keep).put("spec", "tidaldecode:keep=" + keep).put("trafficFraction", tidal.trafficFraction()));
                p.step();
            }
        }
    }

    private void quantTask(BenchContext ctx, LlamaModel model, Path file, int n, int ctxLen) throws Exception {
        String task = "kv-quant";
        List<KvEval.Window> ws = windows(model, file, false, n, ctxLen);
        List<KvEval.Run> refs = references(model, ws);
        String[][] specs = {
                {"kivi", "4", "kivi:bits=4"}, {"kivi", "2", "kivi:bits=2"},
                {"kivi-r0", "4", "kivi:bits=4,residual=0"}, {"kivi-r0", "2", "kivi:bits=2,residual=0"},
                {"gear", "4", "gear:bits=4"}, {"gear", "2", "gear:bits=2"},
                {"gear-r0", "4", "gear:bits=4,residual=0"}, {"gear-r0", "2", "gear:bits=2,residual=0"},
                {"zipcache", "3.2", "zipcache:hi=4,lo=2"}, {"zipcache", "2.6", "zipcache:hi=4,lo=2,low=0.7"},
                {"zipcache-8/4", "5.6", "zipcache:hi=8,lo=4"},
                {"cskv", "16", "cskv:keep=0.5,window=32"}, {"cskv", "8", "cskv:keep=0.25,window=32"},
                {"snapkv+kivi", "4", "snapkv:keep=0.5+kivi:bits=4,group=16,residual=16"},
                {"snapkv25+kivi", "4", "snapkv:keep=0.25,window=16+kivi:bits=4,group=16,residual=16"},
                {"snapkv25+kivi", "2", "snapkv:keep=0.25,window=16+kivi:bits=2,group=16,residual=16"},
                {"gear-rank1", "2", "gear:bits=2,rank=1,outlier=0.01"},
                {"h2o+kivi", "2", "h2o:keep=0.5+kivi:bits=2,group=16,residual=16"},
                {"kivi-layers", "3", "kivi:bits=4,layers=0-1+kivi:bits=2,layers=2-4"},
                {"kivi-fp16r", "4", "kivi:bits=4,residualDtype=fp16"}, {"kivi-fp16r", "2", "kivi:bits=2,residualDtype=fp16"},
                {"gear-fp16r", "2", "gear:bits=2,residualDtype=fp16"},
                // keys quantised before RoPE (KVQuant's Sec. 3.2, an option on KIVI)
                {"kivi-prerope", "4", "kivi:bits=4,residualDtype=fp16,preRope=true"}, {"kivi-prerope", "2", "kivi:bits=2,residualDtype=fp16,preRope=true"},
                {"kivi-prerope-r0", "2", "kivi:bits=2,residual=0,preRope=true"},
                {"kivi-prerope-g16", "2", "kivi:bits=2,group=16,residual=16,residualDtype=fp16,preRope=true"},
                {"kvzip+kivi", "4", "kvzip:keep=0.5+kivi:bits=4,residualDtype=fp16,preRope=true"},
                {"kvzip+kivi", "2", "kvzip:keep=0.5+kivi:bits=2,residualDtype=fp16,preRope=true"}};
        Best best2 = null;
        try (Progress p = ctx.progress(task, specs.length)) {
            for (String[] sp : specs) {
                p.message(sp[2]);
                Session s = KvEval.session(model, sp[2]);
                KvEval.Tally t = KvEval.tally(ws, refs, w -> KvEval.prefillThenDecode(s, w));
                ctx.add(row(task, sp[0], t).put("bits", Double.parseDouble(sp[1])).put("spec", sp[2]));
                LOG.info("{} {} pplRatio {} bytes {}/{}", task, sp[2], fmt(t.pplRatio()), t.kvBytes(), t.fullKvBytes());
                double ratio = (double) t.fullKvBytes() / t.kvBytes();
                if (sp[1].equals("4")) {
                    ctx.note(String.format(Locale.ROOT, "kv goal 4-bit (<= 1.005): %s pplRatio %.4f, %.2fx fewer bytes than fp32: %s",
                            sp[2], t.pplRatio(), ratio, t.pplRatio() <= 1.005 ? "met" : "missed"));
                } else if (sp[1].equals("2")) {
                    ctx.note(String.format(Locale.ROOT, "kv goal 2-bit (<= 1.03 and >= 6x): %s pplRatio %.4f, %.2fx fewer bytes: %s",
                            sp[2], t.pplRatio(), ratio, t.pplRatio() <= 1.03 && ratio >= 6 ? "met" : "missed"));
                    if (ratio >= 6 && (best2 == null || t.pplRatio() < best2.pplRatio())) best2 = new Best(sp[2], t.pplRatio(), ratio);
                }
                p.step();
            }
        }
        ctx.note(twoBitNote(twoBitArithmetic(model.config().headDim(), ctxLen), best2));
    }

    /**
     * The arithmetic behind the 2-bit goal for KIVI's Algorithm 1 layout (G = 32 tokens per key group, residual
     * R = 32) at head_dim hd after l tokens, per token and head (bytes):
     *
     * @param keyBytes         a 2-bit key: codes + fp16 scale and zero point per channel amortised over G tokens
     * @param valueBytes       a 2-bit value: codes + one fp16 scale and zero point per group of min(G, hd) channels
     * @param fp32Bytes        key + value in fp32
     * @param keyResidual      keys held full precision after l tokens (l mod R)
     * @param valueResidual    values held full precision (the last min(R, l))
     * @param ratioFp32Residual fp32 bytes / KIVI bytes with an fp32 residual
     * @param ratioFp16Residual the same with an fp16 residual
     * @param largestRFp16     the largest R (a multiple of G) that keeps >= 6x with an fp16 residual, -1 if none
     * @param largestRFp32     the same with an fp32 residual
     */
    record TwoBitArithmetic(int headDim, int tokens, double keyBytes, double valueBytes, double fp32Bytes, int keyResidual,
                            int valueResidual, double ratioFp32Residual, double ratioFp16Residual, int largestRFp16, int largestRFp32) {
        /** fp32 bytes over 2-bit bytes with nothing held full precision. */
        double ratioAllQuantised() { return fp32Bytes / (keyBytes + valueBytes); }
    }

    static TwoBitArithmetic twoBitArithmetic(int hd, int l) {
        int g = 32, r = 32;
        double keyTok = hd * 2 / 8.0 + 4.0 * hd / g;
        double valTok = hd * 2 / 8.0 + 4.0 * Math.ceil(hd / (double) Math.min(g, hd));
        double fp32 = 2.0 * Float.BYTES * hd;
        double full = l * fp32;
        int fit16 = -1, fit32 = -1;
        for (int rr = 0; rr <= l; rr += g) {
            if (full / kiviBytes(l, rr, g, keyTok, valTok, 2 * hd) >= 6) fit16 = rr;
            if (full / kiviBytes(l, rr, g, keyTok, valTok, 4 * hd) >= 6) fit32 = rr;
        }
        return new TwoBitArithmetic(hd, l, keyTok, valTok, fp32, l % r, Math.min(r, l),
                full / kiviBytes(l, r, g, keyTok, valTok, 4 * hd), full / kiviBytes(l, r, g, keyTok, valTok, 2 * hd), fit16, fit32);
    }

    /** The arithmetic as a note (numbers only; what they mean is discussed in docs/PERFORMANCE.md). */
    static String twoBitNote(TwoBitArithmetic a, Best best) {
        return String.format(Locale.ROOT, "kv 2-bit arithmetic (KIVI, G = 32, R = 32, head_dim %d, l = %d): key %.1f + value %.1f bytes "
                        + "per token and head vs %.0f in fp32 (%.2fx with nothing full precision); residual %d keys + %d values: %.2fx "
                        + "(fp32 residual), %.2fx (fp16); largest R keeping >= 6x: %d (fp16 residual), %d (fp32); best 2-bit row at >= 6x: %s",
                a.headDim(), a.tokens(), a.keyBytes(), a.valueBytes(), a.fp32Bytes(), a.ratioAllQuantised(), a.keyResidual(),
                a.valueResidual(), a.ratioFp32Residual(), a.ratioFp16Residual(), a.largestRFp16(), a.largestRFp32(),
                best == null ? "none" : String.format(Locale.ROOT, "%s, pplRatio %.4f at %.2fx", best.spec(), best.pplRatio(), best.ratio()));
    }

    /** KIVI bytes per head after l tokens with residual r (keys flushed every G when r = 0), residual entries at resTok bytes. */
    static double kiviBytes(int l, int r, int g, double keyTok, double valTok, double resTok) {
        int keyRes = l % (r == 0 ? g : r), valRes = Math.min(r, l);
        return (l - keyRes) * keyTok + keyRes * resTok + (l - valRes) * valTok + valRes * resTok;
    }

    /** A measured 2-bit row: spec, perplexity ratio, bytes ratio to fp32. */
    record Best(String spec, double pplRatio, double ratio) {}

    private void anchorTask(BenchContext ctx, LlamaModel model, Path file, int n) throws Exception {
        String task = "kv-anchor";
        List<int[]> wins = KvEval.windows(model.tokenizer(), file, 256, n, false);
        Session full = KvEval.session(model, "none");
        List<KvEval.Run> refs = new ArrayList<>();
        for (int[] w : wins) refs.add(KvEval.tokenByToken(full, w));
        String[] presses = {"streamingllm", "h2o", "random-kv", "tova", "knorm", "keydiff", "expectedattention", "ems", "razorattention"};
        Map<String, Double> anchors = Map.of("streamingllm@64", 1.032, "h2o@64", 1.014, "random-kv@64", 1.028,
                "streamingllm@32", 1.097, "h2o@32", 1.069, "random-kv@32", 1.099);
        try (Progress p = ctx.progress(task, 2L * (presses.length + 1))) {
            for (int budget : new int[]{64, 32}) {
                List<String> specs = new ArrayList<>();
                for (String press : presses) specs.add(press + ":budget=" + budget);
                specs.add("decoding:press=h2o,budget=" + budget + ",every=16");
                // attention-free scorers have no recency protection of their own: also with the newest 16 kept
                for (String press : new String[]{"knorm", "keydiff", "expectedattention"}) specs.add(press + ":budget=" + budget + ",recent=16,sinks=4");
                String only = ctx.options().get("anchorSpecs");
                if (only != null) {
                    specs.clear();
                    for (String sp : only.split(";")) specs.add(sp.replace("{b}", String.valueOf(budget)));
                }
                for (String spec : specs) {
                    p.message(spec);
                    Session s = KvEval.session(model, spec);
                    KvEval.Tally t = new KvEval.Tally();
                    for (int i = 0; i < wins.size(); i++) t.add(refs.get(i), KvEval.tokenByToken(s, wins.get(i)));
                    String method = spec.substring(0, spec.indexOf(':')) + (spec.contains("recent=16") ? "+recent16" : "");
                    Row r = row(task, method, t).put("budget", budget).put("spec", spec);
                    Double a = anchors.get(method + "@" + budget);
                    if (a != null) r.put("anchorPplRatio", a).put("beatsAnchor", t.pplRatio() <= a);
                    ctx.add(r);
                    LOG.info("{} {} pplRatio {} (anchor {})", task, spec, fmt(t.pplRatio()), a);
                    p.step();
                }
            }
        }
    }

    /** Presses of the copy tasks (the specs get {@link #extra}). */
    static final String[] COPY_PRESSES = {"streamingllm", "h2o", "snapkv", "pyramidkv", "tova", "knorm", "keydiff", "expectedattention",
            "adakv", "kvzip", "random-kv", "ems", "razorattention"};

    /**
     * The issue's synthetic retrieval check on {@link InductionModel}: 100 distinct random tokens, repeated;
     * the full cache predicts the whole second copy, so accuracy measures what a press keeps retrievable.
     */
    private void inductionRetrievalTask(BenchContext ctx, int count) {
        String task = "kv-retrieval";
        List<int[]> seqs = KvEval.distinctSequences(count, 100, InductionModel.FIRST_CONTENT, InductionModel.VOCAB, 11);
        Map<String, double[]> copy = new LinkedHashMap<>();   // press@keep -> {accuracy, bytes}
        try (LlamaModel model = InductionModel.build(); Progress p = ctx.progress(task, (long) KEEPS.length * COPY_PRESSES.length)) {
            double[] full = KvEval.copyAccuracy(KvEval.session(model, "none"), seqs);
            ctx.add(Row.of(task).put("method", "full").put("keep", 1.0).put("accuracy", full[0]).put("kvBytes", (long) full[1]).put("fullKvBytes", (long) full[1]));
            var rh = dev.squeeze.kv.merge.RetrievalHeads.probe(model, 64, 0.14, 0.01, 0);
            ctx.note(String.format(Locale.ROOT, "kv-retrieval: copy task on the hand-built induction model (2 layers x 4 heads, head_dim 256; "
                    + "layer 1 head 0 is an induction head, the rest previous-token or local heads): 100 distinct tokens repeated, "
                    + "full-cache accuracy %.3f; RazorAttention's probe gives the induction head a score of %.2f and marks %.0f%% of KV heads as retrieval heads",
                    full[0], rh.induction()[1][0], 100 * rh.kvFraction()));
            for (double keep : KEEPS) {
                for (String press : COPY_PRESSES) {
                    // the induction model has no tokenizer (nor language) for KVzip's repeat prompt: the context alone is reconstructed
                    String spec = press + ":keep=" + keep + extra(press) + (press.equals("kvzip") ? ",lead=none" : "");
                    p.message(spec);
                    double[] acc = KvEval.copyAccuracy(KvEval.session(model, spec), seqs);
                    ctx.add(Row.of(task).put("method", press).put("keep", keep).put("accuracy", acc[0]).put("fullAccuracy", full[0])
                            .put("kvBytes", (long) acc[1]).put("fullKvBytes", (long) full[1]).put("spec", spec));
                    LOG.info("{} {} accuracy {} bytes {}/{}", task, spec, fmt(acc[0]), (long) acc[1], (long) full[1]);
                    copy.put(press + "@" + keep, acc);
                    p.step();
                }
                double[] sl = copy.get("streamingllm@" + keep);
                for (String m : new String[]{"razorattention", "ems"}) {
                    double[] a = copy.get(m + "@" + keep);
                    boolean equalMemory = a[1] <= 1.01 * sl[1];
                    ctx.note(String.format(Locale.ROOT, "kv goal (copy task, induction model, keep %s): %s accuracy %.3f with %d bytes vs streamingllm %.3f with %d bytes: %s",
                            keep, m, a[0], (long) a[1], sl[0], (long) sl[1],
                            a[0] > sl[0] ? (equalMemory ? "beats StreamingLLM at equal memory" : String.format(Locale.ROOT, "more accurate, but holds %.2fx the bytes", a[1] / sl[1]))
                                    : "does NOT beat StreamingLLM"));
                }
            }
        }
    }

    private void retrievalTask(BenchContext ctx, LlamaModel model, Path stories, int count) throws Exception {
        String task = "kv-retrieval-stories";
        // stories260K cannot copy random-token sequences (0% even with the full cache), so the copied
        // sequence is a 64-token story excerpt: the first copy's accuracy is what language modelling alone
        // gives, the second copy's what retrieval across the context adds.
        List<int[]> seqs = new ArrayList<>();
        for (int[] w : KvEval.windows(model.tokenizer(), stories, 65, count, false)) seqs.add(java.util.Arrays.copyOfRange(w, 1, 65));
        double[] full = KvEval.copyAccuracy(KvEval.session(model, "none"), seqs);
        double firstCopy = KvEval.firstCopyAccuracy(KvEval.session(model, "none"), seqs);
        ctx.add(Row.of(task).put("method", "full").put("keep", 1.0).put("accuracy", full[0]).put("kvBytes", (long) full[1])
                .put("firstCopyAccuracy", firstCopy));
        double[] random = KvEval.copyAccuracy(KvEval.session(model, "none"), KvEval.randomSequences(count, 64, model.config().vocabSize(), 7));
        ctx.note(String.format(Locale.ROOT, "kv-retrieval-stories: full-cache copy accuracy on repeated story excerpts %.3f (first copy, no retrieval possible: %.3f); on random-token sequences %.3f (stories260K cannot copy arbitrary tokens, so excerpts are used)",
                full[0], firstCopy, random[0]));
        String[] presses = COPY_PRESSES;
        try (Progress p = ctx.progress(task, (long) KEEPS.length * presses.length)) {
            for (double keep : KEEPS) {
                for (String press : presses) {
                    String spec = press + ":keep=" + keep + extra(press);
                    double[] acc = KvEval.copyAccuracy(KvEval.session(model, spec), seqs);
                    ctx.add(Row.of(task).put("method", press).put("keep", keep).put("accuracy", acc[0]).put("fullAccuracy", full[0])
                            .put("kvBytes", (long) acc[1]).put("fullKvBytes", (long) full[1]).put("spec", spec));
                    p.step();
                }
            }
        }
    }

    private void goals(BenchContext ctx, Map<String, Double> at25) {
        if (at25.isEmpty()) return;
        ctx.note("kv: snapkv, pyramidkv and adakv run with SnapKV's published defaults (observation window 32, average pooling kernel 5; "
                + "the reference asserts capacity > window, here the window shrinks to the budget instead, so at keep 0.125 (24 entries) "
                + "they keep only the most recent entries and coincide). AdaKV allocates the layer budget over heads from SnapKV scores, as the paper does. "
                + "RazorAttention rows use match=true (non-retrieval heads get a smaller window so the "
                + "whole cache holds keep x n entries; when the retrieval heads alone exceed that, the floor of sinks + 2 entries wins and "
                + "kvBytes shows the excess). Sized entries (RazorAttention, EMS) carry a 4-byte size each, counted in kvBytes.");
        // presses holding about StreamingLLM's bytes (sized entries add a little), judged two ways: closest to
        // the full cache (lowest KL of the next-token distribution) and lowest perplexity ratio
        long equalBytes = (long) (1.1 * bytes25.getOrDefault("streamingllm", 0L));
        var comparable = tally25.entrySet().stream().filter(e -> bytes25.getOrDefault(e.getKey(), Long.MAX_VALUE) <= equalBytes).toList();
        var closest = comparable.stream().min(java.util.Comparator.comparingDouble(e -> e.getValue().kl())).orElseThrow();
        var best = at25.entrySet().stream().filter(e -> bytes25.getOrDefault(e.getKey(), Long.MAX_VALUE) <= equalBytes)
                .min(Map.Entry.comparingByValue()).orElseThrow();
        KvEval.Tally ct = closest.getValue(), bt = tally25.get(best.getKey());
        ctx.note(String.format(Locale.ROOT, "kv goal: at keep 0.25 on tinystories the press closest to the full cache is %s: pplRatio %.4f%s, agreement %.3f, "
                        + "KL %.4f (goal <= 1.02: %s); the lowest perplexity ratio is %s's, %.4f%s (agreement %.3f, KL %.4f)",
                closest.getKey(), ct.pplRatio(), interval(ct), ct.agreement(), ct.kl(), ct.pplRatio() <= 1.02 ? "met" : "missed",
                best.getKey(), best.getValue(), bt == null ? "" : interval(bt), bt == null ? Double.NaN : bt.agreement(), bt == null ? Double.NaN : bt.kl()));
        KvEval.Tally st = tally25.get("streamingllm");
        for (String m : new String[]{"razorattention", "ems"}) {
            KvEval.Tally t = tally25.get(m);
            if (t == null || st == null) continue;
            ctx.note(String.format(Locale.ROOT, "kv goal: %s at keep 0.25 (%d bytes) pplRatio %.4f, KL %.4f vs streamingllm (%d bytes) %.4f, KL %.4f: %s",
                    m, t.kvBytes(), t.pplRatio(), t.kl(), st.kvBytes(), st.pplRatio(), st.kl(),
                    t.pplRatio() < st.pplRatio() ? "beats StreamingLLM" : t.kl() < st.kl() ? "does NOT beat StreamingLLM's perplexity, but is closer to the full cache (KL)"
                            : "does NOT beat StreamingLLM"));
        }
    }

    private static String interval(KvEval.Tally t) {
        return Double.isFinite(t.nllDiffStdErr())
                ? String.format(Locale.ROOT, " (95%% interval %.4f-%.4f over %d windows)", t.pplRatioLow(), t.pplRatioHigh(), t.windowCount()) : "";
    }

    static String extra(String press) {
        return switch (press) {
            case "razorattention" -> ",match=true";
            default -> "";
        };
    }

    static String fmt(double d) { return String.format(Locale.ROOT, "%.4f", d); }
}
