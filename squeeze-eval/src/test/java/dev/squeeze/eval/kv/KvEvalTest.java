package dev.squeeze.eval.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.kv.StoriesFixture;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import org.junit.jupiter.api.Test;

class KvEvalTest {
    @Test
    void tallyOfIdenticalRunsIsNeutralAndOfAShiftedRunIsHandComputed() {
        float[][] a = {{0, 0, 0, 0}, {1, 0, 0, 0}};
        KvEval.Run ref = new KvEval.Run(a, 100, 100, new int[] {0, 0});
        KvEval.Tally same = new KvEval.Tally();
        same.add(ref, ref);
        assertEquals(1.0, same.pplRatio(), 1e-12);
        assertEquals(1.0, same.agreement());
        assertEquals(0.0, same.kl(), 1e-12);
        // second run: uniform everywhere; ref row 0 uniform (same), row 1 favours token 0
        float[][] b = {{0, 0, 0, 0}, {0, 0, 0, 0}};
        KvEval.Tally t = new KvEval.Tally();
        t.add(ref, new KvEval.Run(b, 25, 25, new int[] {0, 0}));
        double lq = 1 - Math.log(Math.E + 3); // log p_ref(token 0) in row 1
        double lp = -Math.log(4);
        assertEquals(Math.exp((-lp - -lq) / 2), t.pplRatio(), 1e-9);
        assertEquals(0.5 + 0.5, t.agreement(), 1e-12, "argmax ties go to index 0 in both rows");
        assertEquals(4.0, (double) t.fullKvBytes() / t.kvBytes());
    }

    @Test
    void aMaskScoresOnlyItsPredictionsAndAccuracyIsAgainstTheText() {
        float[][] ref = {{0, 3, 0}, {2, 0, 0}, {0, 0, 1}};
        float[][] run = {{0, 3, 0}, {0, 2, 0}, {0, 0, 1}};
        int[] targets = {1, 1, 0}; // ref gets 1 of 3 right (row 0), the run 2 (rows 0 and 1)
        KvEval.Run r = new KvEval.Run(ref, 10, 10, targets), p = new KvEval.Run(run, 5, 5, targets);
        KvEval.Tally all = new KvEval.Tally();
        all.add(r, p);
        assertEquals(2 / 3.0, all.accuracy(), 1e-12);
        assertEquals(2 / 3.0, all.agreement(), 1e-12);
        KvEval.Tally masked = new KvEval.Tally();
        masked.add(r, p, new boolean[] {false, true, false});
        assertEquals(1, masked.count());
        assertEquals(1.0, masked.accuracy(), 0);
        assertEquals(0.0, masked.agreement(), 0);
        // row 1 alone: ref log p(1) = -ln(e^2 + 2), run log p(1) = 2 - ln(e^2 + 2)
        double lse = Math.log(Math.exp(2) + 2);
        assertEquals(Math.exp(-(2 - lse) + (0 - lse)), masked.pplRatio(), 1e-6);
        KvEval.Tally self = new KvEval.Tally();
        self.add(r, r, new boolean[] {true, false, true});
        assertEquals(0.5, self.accuracy(), 0, "the reference's own accuracy on the masked rows");
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
