package dev.squeeze.eval.vision;

import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.cct.SyntheticClips;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.Reducer;
import dev.squeeze.vision.video.Clip;
import dev.squeeze.vision.video.DyCoke;
import dev.squeeze.vision.video.FastVid;
import dev.squeeze.vision.video.HoliTom;
import dev.squeeze.vision.video.PruneVid;
import dev.squeeze.vision.video.TempMe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Video reducers on synthetic clips built from a still image (4 frames: still, panning 2 px per frame, and a
 * cut to a second image after 2 frames). Each frame goes through the encoder blocks alone; the concatenated
 * frame tokens (1024) then pass the language-model block and the pooling, reduced or not. Reported: the kept
 * fraction of tokens and whether the reduced clip's top-1 class agrees with the unreduced clip's.
 */
public final class VideoProbe {
    private VideoProbe() {}

    public static Map<String, Function<Clip, TokenTransform>> methods() {
        Map<String, Function<Clip, TokenTransform>> m = new LinkedHashMap<>();
        m.put("dycoke", c -> DyCoke.temporalMerge(c, DyCoke.DEFAULT_PRUNE));
        m.put("prunevid", c -> PruneVid.defaults().reduce(c));
        m.put("fastvid", c -> FastVid.defaults().reduce(c, null));
        m.put("holitom", c -> HoliTom.defaults().reduce(c));
        m.put("tempme", c -> new TempMe(0.9f).reduce(c));
        return m;
    }

    /** {kept fraction, agreement (0/1), KL} of one method on one clip. */
    public static double[] score(CctModel model, Clip clip, Function<Clip, TokenTransform> method) {
        TokenSet all = TokenSet.of(clip.tokens());
        float[] ref = model.classify(model.run(all, CctMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE)
                .tokens());
        TokenTransform t = method.apply(clip);
        TokenSet reduced = t.apply(all, PositionMode.REPRESENTATIVE);
        float[] got = model.classify(model.run(reduced, CctMethod.LLM_START, CctModel.BLOCKS, Reducer.NONE)
                .tokens());
        double[] p = Fidelity.softmax(ref), q = Fidelity.softmax(got);
        double kl = 0;
        for (int c = 0; c < p.length; c++) kl += p[c] * (Math.log(p[c]) - Math.log(Math.max(q[c], 1e-30)));
        return new double[] {
            t.outputCount() / (double) clip.size(), Fidelity.argmax(ref) == Fidelity.argmax(got) ? 1 : 0, kl
        };
    }

    /** The three synthetic clips of an image (b: the image cut to). */
    public static Map<String, Clip> clips(CctModel model, float[] a, float[] b) {
        Map<String, Clip> c = new LinkedHashMap<>();
        c.put("still", SyntheticClips.still(model, a, 4, CctMethod.LLM_START));
        c.put("panning", SyntheticClips.panning(model, a, 4, 2, CctMethod.LLM_START));
        c.put("cut", SyntheticClips.cut(model, a, b, 2, 2, CctMethod.LLM_START));
        return c;
    }

    static List<String> clipNames() {
        return List.of("still", "panning", "cut");
    }
}
