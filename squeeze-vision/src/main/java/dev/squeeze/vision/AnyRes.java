package dev.squeeze.vision;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenSet;

/**
 * LLaVA-NeXT-style AnyRes visual tokens: a thumbnail plus a {@value #CROPS_PER_SIDE} x {@value #CROPS_PER_SIDE}
 * grid of crops of the image at a higher resolution, each view encoded on its own by the vision encoder; the views'
 * tokens are concatenated (thumbnail first, then crops in raster order). A model adapter builds it (the CCT's:
 * {@code dev.squeeze.vision.cct.CctAnyRes}).
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param tokens        (views * perView, D) encoder outputs of all views
 * @param views         1 + crops
 * @param perView       tokens per view (a square grid)
 * @param poolAttention per view, its [CLS] attention over its own tokens (views, perView); shared arrays, read only
 */
public record AnyRes(TokenSet tokens, int views, int perView, float[][] poolAttention) {
    public static final int CROPS_PER_SIDE = 2;

    /** View v's tokens as a matrix. */
    public FloatMatrix view(int v) {
        int d = tokens.tokens().cols();
        float[] out = new float[perView * d];
        System.arraycopy(tokens.tokens().data(), v * perView * d, out, 0, perView * d);
        return new FloatMatrix(perView, d, out);
    }
}
