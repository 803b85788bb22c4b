package dev.squeeze.eval.kv;

import dev.squeeze.kv.StoriesFixture;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class KvEvalTest {
    @Test
    void tallyOfIdenticalRunsIsNeutralAndOfAShiftedRunIsHandComputed() {
        float[][] a = {{0, 0, 0, 0}, {1, 0, 0, 0}};
        KvEval.Run ref = new KvEval.Run(a, 100, 100, new int[]{0, 0});
        KvEval.Tally same = new KvEval.Tally();
        same.add(ref, ref);
        assertEquals(1.0, same.pplRatio(), 1e-12);
        assertEquals(1.0, same.agreement());
        assertEquals(0.0, same.kl(), 1e-12);
        // second run: uniform everywhere; ref row 0 uniform (same), row 1 favours token 0
        float[][] b = {{0, 0, 0, 0}, {0, 0, 0, 0}};
        KvEval.Tally t = new KvEval.Tally();
        t.add(ref, new KvEval.Run(b, 25, 25, new int[]{0, 0}));
        double lq = 1 - Math.log(Math.E + 3);         // log p_ref(token 0) in row 1
        double lp = -Math.log(4);
        assertEquals(Math.exp((-lp - -lq) / 2), t.pplRatio(), 1e-9);
        assertEquals(0.5 + 0.5, t.agreement(), 1e-12, "argmax ties go to index 0 in both rows");
        assertEquals(4.0, (double) t.fullKvBytes() / t.kvBytes());
    }

    @Test
    void fullCacheAgainstItselfIsExactOnTheModel() {
        LlamaModel m = StoriesFixture.model();
        int[] ids = StoriesFixture.text(60);
        KvEval.Window w = KvEval.split(ids, 40);
        Session s = KvEval.session(m, "none");
        KvEval.Run r1 = KvEval.prefillThenDecode(s, w), r2 = KvEval.prefillThenDecode(s, w);
        KvEval.Tally t = new KvEval.Tally();
        t.add(r1, r2);
        assertEquals(1.0, t.pplRatio(), 1e-12);
        assertEquals(19, t.count());
        KvEval.Tally h = new KvEval.Tally();
        h.add(r1, KvEval.prefillThenDecode(KvEval.session(m, "streamingllm:budget=8"), w));
        assertTrue(h.kvBytes() < h.fullKvBytes() && h.kl() > 0, "a small budget changes the output distribution");
    }
}
