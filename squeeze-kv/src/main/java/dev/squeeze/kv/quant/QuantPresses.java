package dev.squeeze.kv.quant;

import dev.squeeze.kv.LayerSet;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.lowrank.CskvPress;

import java.util.List;
import java.util.Map;

/** {@link PressFactory}s of the quantised and low-rank caches. */
public final class QuantPresses {
    private QuantPresses() {}

    /** residualDtype=fp32 (default, this runtime's precision) or fp16 (KIVI's model precision). */
    static boolean fp16Residual(PressParams p) {
        return p.choice("residualDtype", "fp32", java.util.Set.of("fp32", "fp16")).equals("fp16");
    }

    public static final class Kivi implements PressFactory {
        @Override public String name() { return "kivi"; }
        @Override public String description() { return "KIVI quantised cache (Algorithm 1): bits=2|4|8 (default 2); keys per channel over group=32 tokens, values per token; residual=32 (a multiple of group): "
                + "full-precision keys l mod R, values the last R, held at residualDtype=fp32|fp16; preRope=false (true: keys quantised before RoPE, KVQuant's Sec. 3.2); layers"; }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            ModelShape c = model.shape();
            PressParams p = new PressParams(name(), params, List.of("bits", "group", "residual", "residualDtype", "preRope", "layers"));
            int bits = p.bits("bits", 2, 2, 4, 8);
            int group = p.integer("group", 32, 1, c.seqLen());
            int residual = p.integer("residual", 32, 0, c.seqLen());
            try {
                KiviStore.checkGroupAndResidual(group, residual);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("press 'kivi': " + e.getMessage(), e);
            }
            boolean fp16 = fp16Residual(p);
            boolean preRope = p.bool("preRope", false);
            return new StoreSwapPress("kivi", LayerSet.from(p, c.nLayers()),
                    (rope, l, h, hd, cap) -> new KiviStore(hd, cap, bits, group, residual, fp16, preRope ? rope : null), s -> s instanceof KiviStore);
        }
    }

    public static final class Gear implements PressFactory {
        @Override public String name() { return "gear"; }
        @Override public String description() { return "GEAR: KIVI quantisation (bits=2|4|8, default 4; group=32; residual=32, residualDtype=fp32|fp16) + low-rank residual (rank=2, iterations=3) + sparse outliers (outlier=0.02), layers"; }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            ModelShape c = model.shape();
            PressParams p = new PressParams(name(), params, List.of("bits", "group", "residual", "residualDtype", "rank", "iterations", "outlier", "layers"));
            int bits = p.bits("bits", 4, 2, 4, 8);
            int group = p.integer("group", 32, 1, c.seqLen());
            int residual = p.integer("residual", 32, 0, c.seqLen());
            int rank = p.integer("rank", 2, 0, Math.min(group, c.headDim()));
            int iterations = p.integer("iterations", 3, 1, 100);
            double outlier = p.real("outlier", 0.02, 0, true, 1, false);
            boolean fp16 = fp16Residual(p);
            return new StoreSwapPress("gear", LayerSet.from(p, c.nLayers()),
                    (rope, l, h, hd, cap) -> new GearStore(hd, cap, bits, group, residual, fp16, outlier, rank, iterations), s -> s instanceof GearStore);
        }
    }

    public static final class ZipCache implements PressFactory {
        @Override public String name() { return "zipcache"; }
        @Override public String description() { return "ZipCache mixed precision: hi=4 bits for salient, lo=2 bits for the low=0.4 least salient by normalised attention (probe=0.05 last + 0.05 random), every=100 decode steps rebuild, seed, layers"; }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            ModelShape c = model.shape();
            PressParams p = new PressParams(name(), params, List.of("hi", "lo", "low", "probe", "every", "seed", "layers"));
            int hi = p.bits("hi", 4, 2, 4, 8);
            int lo = p.bits("lo", 2, 2, 4, 8);
            double low = p.real("low", 0.4, 0, true, 1, true);
            double probe = p.real("probe", 0.05, 0, false, 1, true);
            int every = p.integer("every", 100, 1, c.seqLen());
            int seed = p.integer("seed", 0, 0, Integer.MAX_VALUE);
            return new ZipCachePress(LayerSet.from(p, c.nLayers()), c.nLayers(), c.nKvHeads(), hi, lo, low, probe, every, seed);
        }
    }

    public static final class Cskv implements PressFactory {
        @Override public String name() { return "cskv"; }
        @Override public String description() { return "CSKV channel shrinking: rank=R channels (or keep=F of head_dim), window=32 full-precision recent entries, bases fitted on the first prefill (online calibration), layers"; }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            ModelShape c = model.shape();
            PressParams p = new PressParams(name(), params, List.of("rank", "keep", "window", "layers"));
            if (p.has("rank") == p.has("keep")) throw new IllegalArgumentException("press 'cskv' needs exactly one of rank=R (1..head_dim) or keep=F (0 < F <= 1)");
            int rank = p.has("rank") ? p.integer("rank", 1, 1, c.headDim())
                    : (int) Math.max(1, Math.round(p.real("keep", 1, 0, false, 1, true) * c.headDim()));
            int window = p.integer("window", 32, 0, c.seqLen());
            return new CskvPress(LayerSet.from(p, c.nLayers()), rank, window, null);
        }
    }
}
