package dev.squeeze.eval.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.kv.merge.RetrievalHeads;
import dev.squeeze.llm.model.LlamaModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hand-built induction model does what its construction says, and RazorAttention's probe finds its circuit. */
class InductionModelTest {
    static LlamaModel model;

    @BeforeAll
    static void build() {
        model = InductionModel.build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void fullCacheCopiesEveryTokenOfTheSecondCopy() {
        List<int[]> seqs = KvEval.distinctSequences(8, 100, InductionModel.FIRST_CONTENT, InductionModel.VOCAB, 3);
        double[] acc = KvEval.copyAccuracy(KvEval.session(model, "none"), seqs);
        assertEquals(1.0, acc[0], 0.0);
        // without the first copy there is nothing to retrieve: the first copy is never predicted
        assertEquals(0.0, KvEval.firstCopyAccuracy(KvEval.session(model, "none"), seqs), 0.02);
    }

    @Test
    void probeFindsTheInductionHeadAndNothingElseScoresLikeIt() {
        RetrievalHeads rh = RetrievalHeads.probe(model, 64, 0.14, 0.01, 0);
        // the probe's 64 random tokens of 125 repeat some tokens, which splits the head's attention: well above 0.5
        // still
        assertTrue(rh.induction()[1][0] > 0.6f, "layer 1 head 0 induction score " + rh.induction()[1][0]);
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < InductionModel.HEADS; h++) {
                if (l == 1 && h == 0) continue;
                assertTrue(rh.induction()[l][h] < 0.05f, "head " + l + "." + h + " induction " + rh.induction()[l][h]);
            }
        assertTrue(rh.isRetrieval(1, 0));
    }

    @Test
    void recencyLosesTheCopyWhileRetrievalHeadsKeepIt() {
        List<int[]> seqs = KvEval.distinctSequences(6, 100, InductionModel.FIRST_CONTENT, InductionModel.VOCAB, 5);
        double streaming = KvEval.copyAccuracy(KvEval.session(model, "streamingllm:keep=0.25"), seqs)[0];
        double razor = KvEval.copyAccuracy(KvEval.session(model, "razorattention:keep=0.25,match=true"), seqs)[0];
        // prompt BOS + 100 tokens + seq[0] = 102 entries; keep 0.25 -> 25 = 4 sinks (positions 0-3) + 21 recent
        // (81-101). Predicting seq[i+1] (i = 1..98) needs position i + 2 of the first copy: kept for i = 1 and
        // i = 79..98, so 21 of 98 predictions can be right
        assertEquals(21 / 98.0, streaming, 1e-12, "streamingllm");
        assertEquals(1.0, razor, 0.0, "razorattention keeps layer 1 head 0 whole");
    }

    @Test
    void kvZipReconstructionKeepsWhatTheInductionHeadNeedsAtEqualMemory() {
        List<int[]> seqs = KvEval.distinctSequences(6, 100, InductionModel.FIRST_CONTENT, InductionModel.VOCAB, 5);
        double[] streaming = KvEval.copyAccuracy(KvEval.session(model, "streamingllm:keep=0.25"), seqs);
        double[] kvzip = KvEval.copyAccuracy(KvEval.session(model, "kvzip:keep=0.25,lead=none"), seqs);
        // reconstructing the context makes the induction head attend to exactly the first-copy entries the
        // second copy needs; the model-wide top-k hands that head the budget the local heads do not use
        assertEquals(1.0, kvzip[0], 0.0, "kvzip");
        assertEquals(streaming[1], kvzip[1], 0.0, "same bytes as StreamingLLM");
        double[] uniform =
                KvEval.copyAccuracy(KvEval.session(model, "kvzip:keep=0.25,lead=none,allocation=head"), seqs);
        assertTrue(uniform[0] < 0.5, "a uniform per-head budget cannot hold the copy: " + uniform[0]);
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> KvEval.copyAccuracy(KvEval.session(model, "kvzip:keep=0.25"), seqs));
        assertTrue(e.getMessage().contains("no tokenizer") && e.getMessage().contains("lead=none"), e.getMessage());
    }
}
