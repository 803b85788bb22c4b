package dev.squeeze.kv.internal;

import dev.squeeze.kv.api.PressParams;
import java.util.BitSet;

/**
 * The layers a press acts on: {@code layers=all}, {@code layers=2-4} or {@code layers=0;2;4} (';' because
 * ',' separates parameters). Lets compositions apply per-layer schedules
 * ({@code kivi:bits=4,layers=0-1+kivi:bits=2,layers=2-4}).
 */
public final class LayerSet {
    private final BitSet layers;

    private LayerSet(BitSet layers) {
        this.layers = layers;
    }

    public static LayerSet all(int nLayers) {
        BitSet b = new BitSet();
        b.set(0, nLayers);
        return new LayerSet(b);
    }

    public boolean contains(int layer) {
        return layers.get(layer);
    }

    public static LayerSet from(PressParams p, int nLayers) {
        String spec = p.string("layers", "all").strip();
        if (spec.equals("all")) return all(nLayers);
        BitSet b = new BitSet();
        for (String part : spec.split(";")) {
            String s = part.strip();
            try {
                int dash = s.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).strip());
                int hi = dash < 0 ? lo : Integer.parseInt(s.substring(dash + 1).strip());
                if (lo < 0 || hi >= nLayers || lo > hi)
                    throw p.bad("layers", spec, "layer ranges inside [0, " + (nLayers - 1) + "]");
                b.set(lo, hi + 1);
            } catch (NumberFormatException e) {
                throw p.bad("layers", spec, "'all', 'A-B' or 'A;B;C' with layer numbers");
            }
        }
        return new LayerSet(b);
    }
}
