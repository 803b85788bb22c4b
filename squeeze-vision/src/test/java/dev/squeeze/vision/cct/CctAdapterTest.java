package dev.squeeze.vision.cct;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.BlockTrace;
import dev.squeeze.vision.TestData;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisionMethodCatalog;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import dev.squeeze.vision.image.attention.FasterVlm;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import dev.squeeze.vision.model.Reducer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vision methods are pure functions of plain values; the CCT adapter only feeds them the model's. */
class CctAdapterTest {

    @Test
    void everyOneStepMethodOnPlainValuesEqualsItsCctWiring() throws IOException {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(1).get(0));
        TokenSet tokens = TokenSet.of(m.tokenize(img));
        CctModel.Stage enc = m.run(tokens, 0, CctMethod.LLM_START, Reducer.NONE);
        // what any other model would hand over: tokens, [CLS] attention (here the pooling weights), the encoder
        // blocks' traces and each block output's [CLS] attention; no model, no block index
        TokenSet t = enc.tokens();
        float[] cls = m.poolWeights(t);
        List<float[]> perLayer = new ArrayList<>();
        for (BlockTrace b : enc.history())
            perLayer.add(m.poolWeights(new TokenSet(b.output(), t.sizes(), t.positions(), t.provenance())));
        VisualTokens plain = VisualTokens.builder(t)
                .gridSide(CctModel.GRID)
                .clsAttention(cls)
                .textAttention(new float[][] {cls})
                .layers(enc.history(), perLayer)
                .build();
        int checked = 0;
        for (VisionMethod method : VisionMethodCatalog.load()) {
            if (!(method instanceof VisualReducer r)) continue;
            TokenTransform pure = r.reduce(plain, Budget.count(64));
            float[] viaPure = m.classify(m.run(
                            pure.apply(t, PositionMode.REPRESENTATIVE),
                            CctMethod.LLM_START,
                            CctModel.BLOCKS,
                            Reducer.NONE)
                    .tokens());
            CctModel.Stage wired = m.run(
                    t,
                    CctMethod.LLM_START,
                    CctModel.BLOCKS,
                    CctMethods.atEncoderOutput(r).reducer(64),
                    enc.history());
            assertArrayEquals(viaPure, m.classify(wired.tokens()), 0f, r.name());
            checked++;
        }
        assertTrue(checked >= 18, "one-step methods checked: " + checked);
    }

    @Test
    void plainValuesMissingAPartFailNamingIt() {
        TokenSet t =
                TokenSet.of(dev.squeeze.core.tensor.FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {1, 1}, {0, 0}}));
        VisualTokens bare = VisualTokens.builder(t).build();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> new FasterVlm().reduce(bare, Budget.count(2)));
        assertTrue(e.getMessage().contains("[CLS] attention"), e.getMessage());
        VisualTokens withCls = VisualTokens.builder(t)
                .clsAttention(new float[] {0.1f, 0.4f, 0.3f, 0.2f})
                .build();
        assertArrayEquals(
                new int[] {1, 2},
                new FasterVlm().reduce(withCls, Budget.count(2)).representatives());
        assertArrayEquals(
                new int[] {1, 2},
                new FasterVlm().reduce(withCls, Budget.ratio(0.5)).representatives());
        IllegalArgumentException tooMany =
                assertThrows(IllegalArgumentException.class, () -> new FasterVlm().reduce(withCls, Budget.count(5)));
        assertTrue(tooMany.getMessage().startsWith("fastervlm: "), tooMany.getMessage());
    }
}
