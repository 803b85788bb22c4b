package dev.squeeze.vision.cct;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.Reducer;
import dev.squeeze.vision.video.Clip;
import java.util.List;

/**
 * Synthetic clips built from still images, with controlled motion: each frame is an image (optionally rolled
 * horizontally by a number of pixels) passed through the CCT tokenizer and the first {@code encoderBlocks}
 * blocks, so frame tokens are real encoder features. A static clip repeats one frame exactly.
 */
public final class SyntheticClips {
    private SyntheticClips() {}

    /** (3, 32, 32) image rolled right by dx pixels (wrapping). */
    public static float[] roll(float[] image, int dx) {
        int s = CctModel.IMAGE;
        float[] out = new float[image.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++)
                    out[c * s * s + y * s + Math.floorMod(x + dx, s)] = image[c * s * s + y * s + x];
            }
        }
        return out;
    }

    /** A clip of the given frames (each a normalised (3, 32, 32) image). */
    public static Clip of(CctModel model, List<float[]> frames, int encoderBlocks) {
        int n = CctModel.TOKENS, d = CctModel.DIM;
        float[] all = new float[frames.size() * n * d];
        for (int t = 0; t < frames.size(); t++) {
            TokenSet ts = model.run(TokenSet.of(model.tokenize(frames.get(t))), 0, encoderBlocks, Reducer.NONE)
                    .tokens();
            System.arraycopy(ts.tokens().data(), 0, all, t * n * d, n * d);
        }
        return new Clip(new FloatMatrix(frames.size() * n, d, all), frames.size(), n);
    }

    /** T copies of one frame. */
    public static Clip still(CctModel model, float[] image, int frames, int encoderBlocks) {
        return of(model, java.util.Collections.nCopies(frames, image), encoderBlocks);
    }

    /** T frames panning right by dx pixels per frame. */
    public static Clip panning(CctModel model, float[] image, int frames, int dx, int encoderBlocks) {
        List<float[]> f = new java.util.ArrayList<>();
        for (int t = 0; t < frames; t++) f.add(roll(image, t * dx));
        return of(model, f, encoderBlocks);
    }

    /** {@code before} frames of image a then {@code after} frames of image b (a scene cut). */
    public static Clip cut(CctModel model, float[] a, float[] b, int before, int after, int encoderBlocks) {
        List<float[]> f = new java.util.ArrayList<>();
        for (int t = 0; t < before; t++) f.add(a);
        for (int t = 0; t < after; t++) f.add(b);
        return of(model, f, encoderBlocks);
    }
}
