package dev.squeeze.eval.kv;

import static dev.squeeze.eval.kv.KvBench.fmt;
import static dev.squeeze.eval.kv.KvBench.interval;
import static dev.squeeze.eval.kv.KvBench.row;

import dev.squeeze.bench.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kv-quant: quantised and low-rank caches under the prefix-compression protocol, at 4 and 2 bits, plus the 2-bit
 * search: every faithful KIVI layout ({@link KiviLayout#twoBitSearch}: group, residual length and dtype) that holds
 * the context in at least 6x fewer bytes than fp32, with keys quantised after RoPE (KIVI) and before it (KVQuant's
 * Sec. 3.2, offered as KIVI's preRope option).
 */
final class QuantTask {
    private static final Logger LOG = LoggerFactory.getLogger(QuantTask.class);
    /** Groups searched at 2 bits: KIVI's default 32 and the divisors of common head widths that fit a 192-token prefix. */
    static final int[] GROUPS = {16, 24, 32, 48};

    static final double TWO_BIT_MIN_RATIO = 6.0;

    /** One measured configuration: row method, nominal bits, spec. */
    record Config(String method, double bits, String spec) {}

    private final KvBench b;

    QuantTask(KvBench b) {
        this.b = b;
    }

    /** The fixed rows (KIVI, GEAR, ZipCache, CSKV, compositions) then the 2-bit search. */
    List<Config> configs() {
        int last = b.model().config().nLayers() - 1;
        List<Config> c = new ArrayList<>(List.of(
                new Config("kivi", 4, "kivi:bits=4"),
                new Config("kivi-fp16r", 4, "kivi:bits=4,residualDtype=fp16"),
                new Config("kivi-prerope", 4, "kivi:bits=4,residualDtype=fp16,preRope=true"),
                new Config("gear", 4, "gear:bits=4"),
                new Config("kivi", 2, "kivi:bits=2"),
                new Config("gear", 2, "gear:bits=2"),
                new Config("gear-fp16r", 2, "gear:bits=2,residualDtype=fp16"),
                new Config("zipcache", 3.2, "zipcache:hi=4,lo=2"),
                new Config("zipcache-8/4", 5.6, "zipcache:hi=8,lo=4"),
                new Config("cskv", 16, "cskv:keep=0.5,window=32"),
                new Config("kivi-layers", 3, "kivi:bits=4,layers=0-1+kivi:bits=2,layers=2-" + last),
                new Config("snapkv+kivi", 4, "snapkv:keep=0.5+kivi:bits=4,residualDtype=fp16,preRope=true"),
                new Config("kvzip+kivi", 4, "kvzip:keep=0.5+kivi:bits=4,residualDtype=fp16,preRope=true"),
                new Config("kvzip+kivi", 2, "kvzip:keep=0.5+kivi:bits=2,residualDtype=fp16,preRope=true")));
        for (KiviLayout k : twoBitLayouts()) {
            for (boolean preRope : new boolean[] {false, true}) {
                c.add(new Config(
                        String.format(
                                Locale.ROOT,
                                "kivi2-g%d-r%d-%s%s",
                                k.group(),
                                k.residual(),
                                k.fp16Residual() ? "fp16" : "fp32",
                                preRope ? "-prerope" : ""),
                        2,
                        k.spec(preRope)));
            }
        }
        return c;
    }

    List<KiviLayout> twoBitLayouts() {
        return KiviLayout.twoBitSearch(b.model().config().headDim(), b.ctxLen(), TWO_BIT_MIN_RATIO, GROUPS);
    }

    void run() throws Exception {
        String task = "kv-quant";
        List<KvEval.Window> ws = b.windows(b.stories(), false, b.windows());
        List<KvEval.Run> refs = b.references(ws);
        List<Config> configs = configs();
        String only = b.ctx()
                .options()
                .get("quantSpecs"); // exploration: a:spec;b:spec (method:spec pairs split at the first ':')
        if (only != null) {
            configs = new ArrayList<>();
            for (String s : only.split(";")) configs.add(new Config(s.substring(0, s.indexOf(':')), Double.NaN, s));
        }
        String best4 = null, best2 = null;
        double best4Ppl = Double.POSITIVE_INFINITY, best2Ppl = Double.POSITIVE_INFINITY;
        KvEval.Tally best2Tally = null;
        try (Progress p = b.ctx().progress(task, configs.size())) {
            for (Config c : configs) {
                p.message(c.spec());
                var s = KvEval.session(b.model(), c.spec());
                KvEval.Tally t = KvEval.tally(ws, refs, w -> KvEval.prefillThenDecode(s, w));
                double ratio = (double) t.fullKvBytes() / t.kvBytes();
                b.ctx().add(row(task, c.method(), t).put("bits", c.bits()).put("spec", c.spec()));
                LOG.info(
                        "{} {} pplRatio {} bytes {}/{} ({}x)",
                        task,
                        c.spec(),
                        fmt(t.pplRatio()),
                        t.kvBytes(),
                        t.fullKvBytes(),
                        fmt(ratio));
                if (c.bits() == 4 && t.pplRatio() < best4Ppl) {
                    best4Ppl = t.pplRatio();
                    best4 = c.spec() + " at " + fmt(ratio) + "x" + interval(t);
                }
                if (c.bits() == 2 && ratio >= TWO_BIT_MIN_RATIO && t.pplRatio() < best2Ppl) {
                    best2Ppl = t.pplRatio();
                    best2 = c.spec() + String.format(Locale.ROOT, " at %.2fx", ratio);
                    best2Tally = t;
                }
                p.step();
            }
        }
        if (best4 != null) {
            b.ctx()
                    .note(String.format(
                            Locale.ROOT,
                            "kv goal 4-bit (<= 1.005): best %s: pplRatio %.4f: %s",
                            best4,
                            best4Ppl,
                            best4Ppl <= 1.005 ? "met" : "missed"));
        }
        if (best2 != null) {
            b.ctx()
                    .note(String.format(
                            Locale.ROOT,
                            "kv goal 2-bit (<= 1.03 at >= 6x fewer bytes than fp32): best %s: pplRatio %.4f%s: %s",
                            best2,
                            best2Ppl,
                            interval(best2Tally),
                            best2Ppl <= 1.03 ? "met" : "missed"));
        }
        b.ctx().note(searchNote());
    }

    /** The 2-bit byte arithmetic of the searched layouts (numbers only). */
    String searchNote() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "kv 2-bit search (KIVI, head_dim %d, %d prefilled tokens; fp32 = %d bytes per head; >= 6x leaves %d): ",
                b.model().config().headDim(),
                b.ctxLen(),
                8L * b.model().config().headDim() * b.ctxLen(),
                (long) Math.floor(8.0 * b.model().config().headDim() * b.ctxLen() / TWO_BIT_MIN_RATIO)));
        List<String> parts = new ArrayList<>();
        for (KiviLayout k : twoBitLayouts()) {
            parts.add(String.format(
                    Locale.ROOT,
                    "G=%d R=%d %s: %d bytes (%.2fx)",
                    k.group(),
                    k.residual(),
                    k.fp16Residual() ? "fp16" : "fp32",
                    k.bytes(b.ctxLen()),
                    k.ratioToFp32(b.ctxLen())));
        }
        return sb.append(String.join("; ", parts))
                .append(" (each the largest residual R, a multiple of G, that keeps >= 6x)")
                .toString();
    }
}
