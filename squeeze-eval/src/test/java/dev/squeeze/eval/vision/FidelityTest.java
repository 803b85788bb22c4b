package dev.squeeze.eval.vision;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.vision.TestData;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.cct.CctMethods;
import dev.squeeze.vision.image.attention.FasterVlm;
import dev.squeeze.vision.image.attention.HiPrune;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import dev.squeeze.vision.model.Reducer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class FidelityTest {

    @Test
    void resumingFromTheEncoderPrefixEqualsOneUninterruptedPass() throws Exception {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(4).get(3));
        TokenSet tokens = TokenSet.of(m.tokenize(img));
        for (CctMethod method :
                List.of(CctMethods.atEncoderOutput(new HiPrune()), CctMethods.atEncoderOutput(new FasterVlm()))) {
            float[] whole = m.forward(tokens, method.reducer(100)).logits();
            CctModel.Stage enc = m.run(tokens, 0, CctMethod.LLM_START, Reducer.NONE);
            float[] resumed = m.classify(
                    m.run(enc.tokens(), CctMethod.LLM_START, CctModel.BLOCKS, method.reducer(100), enc.history())
                            .tokens());
            // Not bit-exact: the Vector API's lane reductions may sum in another order once a kernel is JIT-compiled,
            // so two passes differ in the last bits when compilation happens between them (1e-6 on logits near 5).
            assertArrayEquals(whole, resumed, 1e-5f, method.name());
        }
    }

    @Test
    void fullBudgetAgreesPerfectlyAndHalfBudgetIsScored() throws Exception {
        CctModel m = TestData.model();
        List<Path> files = TestData.images(3);
        List<Fidelity.Image> images =
                files.stream().map(f -> new Fidelity.Image(f, 0)).toList();
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            Fidelity.Result[][] r = new Fidelity(m, pool)
                    .evaluate(
                            images,
                            List.of(CctMethods.random(1), CctMethods.atEncoderOutput(new FasterVlm())),
                            List.of(),
                            new double[] {1.0, 0.25},
                            i -> {});
            for (Fidelity.Result[] method : r) {
                assertEquals(1.0, method[0].agreement(), 0.0);
                assertEquals(0.0, method[0].kl(), 1e-9);
                assertEquals(3, method[0].labelled());
                assertTrue(method[1].kl() > 0 && method[1].kl() < 50, "KL " + method[1].kl());
                assertTrue(method[1].reduceMillis() > 0);
            }
        } finally {
            pool.shutdown();
        }
    }
}
