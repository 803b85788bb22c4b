package dev.squeeze.vision.video;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.TestData;
import dev.squeeze.vision.cct.SyntheticClips;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VideoMethodsTest {

    static Clip staticClip(FloatMatrix frame, int t) {
        float[] all = new float[t * frame.rows() * frame.cols()];
        for (int i = 0; i < t; i++)
            System.arraycopy(frame.data(), 0, all, i * frame.data().length, frame.data().length);
        return new Clip(new FloatMatrix(t * frame.rows(), frame.cols(), all), t, frame.rows());
    }

    static FloatMatrix randomFrame(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n * d];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return new FloatMatrix(n, d, a);
    }

    /** The static duplicated clip gives exactly what the method gives on one frame. */
    static void assertCollapses(
            java.util.function.Function<Clip, TokenTransform> method, FloatMatrix frame, int t, String name) {
        Clip one = new Clip(frame, 1, frame.rows());
        Clip many = staticClip(frame, t);
        FloatMatrix y1 = method.apply(one).apply(one.tokens());
        TokenTransform tm = method.apply(many);
        FloatMatrix yt = tm.apply(many.tokens());
        assertEquals(y1.rows(), yt.rows(), name + ": token count of a static clip");
        for (int i = 0; i < y1.data().length; i++)
            assertEquals(y1.data()[i], yt.data()[i], 1e-4f, name + " value " + i);
        float total = 0;
        for (float s : tm.applyToSizes(PruneVid.ones(many.size()))) total += s;
        assertEquals(many.size(), total, 1e-2f, name + ": every original token is accounted for");
    }

    @Test
    void staticClipsCollapseToOneFrame() {
        FloatMatrix frame = randomFrame(36, 8, 3);
        assertCollapses(c -> PruneVid.defaults().reduce(c), frame, 4, "prunevid");
        assertCollapses(c -> HoliTom.defaults().reduce(c), frame, 4, "holitom");
        assertCollapses(c -> new TempMe(0.9f).reduce(c), frame, 4, "tempme");
        assertEquals(36, HoliTom.defaults().reduce(staticClip(frame, 6)).outputCount());
        assertEquals(36, new TempMe(0.9f).reduce(staticClip(frame, 5)).outputCount());
    }

    @Test
    void staticClipOfRealEncoderFeaturesCollapses() throws IOException {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(3).get(2));
        Clip c = SyntheticClips.still(m, img, 4, 3);
        assertEquals(256, HoliTom.defaults().reduce(c).outputCount());
        assertEquals(256, new TempMe(0.9f).reduce(c).outputCount());
        // a panning clip is not static: more tokens survive than for the still one
        Clip pan = SyntheticClips.panning(m, img, 4, 3, 3);
        assertTrue(new TempMe(0.9f).reduce(pan).outputCount() > 256);
    }

    @Test
    void segmentationFindsTheSceneCut() {
        FloatMatrix a = randomFrame(16, 8, 1), b = randomFrame(16, 8, 2);
        float[] all = new float[6 * 16 * 8];
        for (int t = 0; t < 6; t++) System.arraycopy((t < 3 ? a : b).data(), 0, all, t * 128, 128);
        Clip c = new Clip(new FloatMatrix(96, 8, all), 6, 16);
        assertArrayEquals(new int[] {0, 3}, PruneVid.segments(c, 0.9f));
        assertArrayEquals(new int[] {0, 3}, HoliTom.defaults().segments(c));
        // HoliTom: each static segment collapses to one frame's tokens
        assertEquals(32, HoliTom.defaults().reduce(c).outputCount());
    }

    @Test
    void dyCokePrunesTheMostSimilarTokensOfTheSecondFrame() {
        // frame 1 = frame 0 except position 2, which changes
        float[][] rows = {{1, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 1}, {-1, 1}};
        Clip c = new Clip(FloatMatrix.of(rows), 2, 3);
        TokenTransform t = DyCoke.temporalMerge(c, 0.67f);
        assertArrayEquals(new int[] {0, 1, 2, 5}, t.representatives());
        assertThrows(IllegalArgumentException.class, () -> DyCoke.temporalMerge(c, 1f));
    }

    @Test
    void dyCokeDecodeReselectsOnlyWhenAttentionShifts() {
        DyCoke.Decode d = new DyCoke.Decode(2, 0.9f);
        assertArrayEquals(new int[] {0, 1}, d.step(new float[] {0.5f, 0.4f, 0.1f}));
        assertArrayEquals(new int[] {0, 1}, d.step(new float[] {0.45f, 0.35f, 0.2f})); // cosine > 0.9: reuse
        assertArrayEquals(new int[] {1, 2}, d.step(new float[] {0.0f, 0.4f, 0.6f}));
    }

    @Test
    void fastVidKeepsSalientTokensAndMergesTheRest() {
        FloatMatrix frame = randomFrame(20, 4, 5);
        Clip c = staticClip(frame, 2);
        TokenTransform t = FastVid.defaults().reduce(c, null);
        // 30% salient per frame = 6 x 2, plus round(0.2 * 28) = 6 anchors
        assertEquals(18, t.outputCount());
        float total = 0;
        for (float s : t.applyToSizes(PruneVid.ones(40))) total += s;
        assertEquals(40f, total, 1e-3f);
    }

    @Test
    void holiTomFoldsPrunedTokensIntoTheirNearestKeptToken() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {1, 0.1f}, {0.1f, 1}});
        TokenTransform t = HoliTom.fold(new float[] {0.4f, 0.3f, 0.2f, 0.1f}, x, null);
        assertArrayEquals(new int[] {0, 2}, t.rowSources(0));
        assertArrayEquals(new int[] {1, 3}, t.rowSources(1));
    }
}
