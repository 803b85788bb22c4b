package dev.squeeze.kv.select;

import dev.squeeze.core.select.Budget;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;

import java.util.List;
import java.util.Map;

/** {@link PressFactory}s of the selection methods. */
public final class SelectPresses {
    private SelectPresses() {}

    public static final class TidalDecode implements PressFactory {
        @Override public String name() { return "tidaldecode"; }
        @Override public String description() { return "sparse decode attention: k=N tokens (or keep=F) per head chosen at selection layers (full=2, correction=auto|-1|L); memory unchanged"; }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            ModelShape c = model.shape();
            PressParams p = new PressParams(name(), params, List.of("k", "keep", "full", "correction"));
            if (p.has("k") == p.has("keep")) throw new IllegalArgumentException("press 'tidaldecode' needs exactly one of k=N tokens or keep=F (0 < F <= 1)");
            int k = p.integer("k", 1, 1, c.seqLen());
            double keep = p.real("keep", 0, 0, false, 1, true);
            int full = p.integer("full", Math.min(2, c.nLayers() - 1), 0, c.nLayers() - 1);
            String corr = p.string("correction", "auto");
            int correction;
            if (corr.equals("auto")) correction = TidalDecodePress.defaultCorrection(c.nLayers(), full);
            else correction = p.integer("correction", -1, -1, c.nLayers() - 1);
            return new TidalDecodePress(c, k, keep, full, correction);
        }
    }

    public static final class GemFilterFactory implements PressFactory {
        @Override public String name() { return "gemfilter"; }
        @Override public String description() { return "GemFilter selection at layer=round(13/32 L) by last-query logits (kernel=5), shared by all layers; keep=F | ratio=R | budget=N; the prompt's entries are replaced by a rerun on the chosen tokens (new positions)"; }

        @Override
        public KvHook create(Map<String, String> params, KvModel model) {
            ModelShape c = model.shape();
            PressParams p = new PressParams(name(), params, List.of("keep", "ratio", "budget", "layer", "kernel"));
            Budget b = p.budget(c.seqLen());
            int layer = p.integer("layer", GemFilter.defaultLayer(c.nLayers()), 0, c.nLayers() - 1);
            int kernel = p.integer("kernel", 5, 1, 63);
            return new GemFilterPress(b, layer, kernel);
        }
    }
}
