package dev.squeeze.vision.image;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.TestData;
import dev.squeeze.vision.cct.CctAnyRes;
import dev.squeeze.vision.cct.CctMethods;
import dev.squeeze.vision.image.similarity.TokenCorrelation;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AnyResTest {

    @Test
    void anyResMethodsKeepExactlyTheBudgetAndTheThumbnailShare() throws IOException {
        CctModel m = TestData.model();
        Path f = TestData.images(2).get(1);
        AnyRes a = CctAnyRes.encode(m, ImagePreprocessor.load(f), ImagePreprocessor.load(f, 64), 3);
        assertEquals(1280, a.tokens().size());
        for (AnyResReducer method : CctMethods.anyRes()) {
            for (int keep : new int[] {160, 320, 640}) {
                TokenTransform t = method.reduce(a, Budget.count(keep));
                assertEquals(keep, t.outputCount(), method.name());
                assertTrue(t.isSelection(), method.name());
            }
        }
        // GlobalCom2: the thumbnail keeps round(R * 256) tokens
        TokenTransform g = CctMethods.anyRes().get(0).reduce(a, Budget.count(320));
        long thumb = java.util.Arrays.stream(g.representatives())
                .filter(i -> i < 256)
                .count();
        assertEquals(64, thumb);
    }

    @Test
    void densityCountsNearDuplicates() {
        var x = dev.squeeze.core.tensor.FloatMatrix.of(new float[][] {{1, 0}, {1, 0.01f}, {0, 1}, {-1, 0}});
        assertEquals(0.5f, TokenCorrelation.density(x, 0.9f), 1e-6f);
    }
}
