package dev.squeeze.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.Presses;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every press whose budget covers the whole context leaves the logits unchanged (prefill and decode). */
class InvarianceTest {

    static float[][] run(LlamaModel m, String spec, int[] ids) {
        SessionOptions.Builder b = SessionOptions.builder();
        KvHook h = Presses.create(spec, m);
        if (h != null) b.hook(h);
        Session s = m.newSession(b.build());
        int split = ids.length / 2;
        float[][] out = new float[ids.length - split + 1][];
        FloatMatrix pre = s.prefill(java.util.Arrays.copyOf(ids, split), false);
        out[0] = pre.data().clone();
        for (int t = split; t < ids.length; t++)
            out[t - split + 1] = s.step(ids[t]).clone();
        return out;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "streamingllm:keep=1",
                "h2o:keep=1",
                "snapkv:keep=1",
                "pyramidkv:keep=1",
                "tova:keep=1",
                "knorm:keep=1",
                "keydiff:keep=1",
                "expectedattention:keep=1",
                "adakv:keep=1",
                "random-kv:keep=1",
                "streamingllm:budget=512",
                "h2o:budget=512",
                "tova:budget=512",
                "random-kv:ratio=0",
                "decoding:press=h2o,budget=512,every=4",
                "ems:keep=1",
                "ems:budget=512",
                "razorattention:keep=1",
                "razorattention:budget=512",
                "tidaldecode:keep=1",
                "gemfilter:keep=1",
                "kvzip:keep=1",
                "kvzip:budget=512,allocation=head",
                "snapkv:keep=1+h2o:keep=1+tova:budget=400"
            })
    void fullBudgetLeavesLogitsUnchanged(String spec) {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(64);
        float[][] ref = run(m, "none", ids);
        float[][] got = run(m, spec, ids);
        for (int t = 0; t < ref.length; t++) {
            for (int i = 0; i < ref[t].length; i++) {
                assertEquals(ref[t][i], got[t][i], 1e-6f, spec + ": step " + t + " logit " + i);
            }
        }
    }

    /** Full-rank CSKV (an orthonormal basis of every channel) and 8-bit KIVI change logits only by rounding. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "cskv:rank=8,window=4",
                "kivi:bits=8,group=8,residual=8",
                "kivi:bits=8,group=8,residual=8,preRope=true"
            })
    void losslessSettingsStayWithinRounding(String spec) {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(64);
        float[][] ref = run(m, "none", ids);
        float[][] got = run(m, spec, ids);
        double maxDiff = 0;
        for (int t = 0; t < ref.length; t++)
            for (int i = 0; i < ref[t].length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[t][i] - got[t][i]));
        assertTrue(maxDiff < (spec.startsWith("cskv") ? 1e-3 : 0.1), spec + ": max logit difference " + maxDiff);
        assertTrue(maxDiff > 0 || spec.startsWith("cskv"), "8-bit quantisation must change something");
    }
}
