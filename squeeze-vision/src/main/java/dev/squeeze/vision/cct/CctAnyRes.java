package dev.squeeze.vision.cct;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import dev.squeeze.vision.model.Reducer;

/**
 * AnyRes inputs for the CCT: a thumbnail (the 32 x 32 image) plus a 2 x 2 grid of 32 x 32 crops of the image
 * resized to 64 x 64. Like the MLLM, each view goes through the vision encoder (blocks [0, {@code encoderBlocks}))
 * on its own; the views' tokens are then concatenated (thumbnail first, then crops in raster order) for the
 * language-model blocks. Positions are {@code view * 256 + grid index}; each view's attention-pooling weights are
 * its [CLS] attention.
 */
public final class CctAnyRes {
    private CctAnyRes() {}

    /** Encodes a thumbnail (3, 32, 32) and a (3, 64, 64) image cut into 2 x 2 crops: (5 * 256, 128) tokens. */
    public static AnyRes encode(CctModel model, float[] thumbnail, float[] large64, int encoderBlocks) {
        int side = CctModel.IMAGE * AnyRes.CROPS_PER_SIDE;
        if (large64.length != 3 * side * side) {
            throw new IllegalArgumentException(
                    "AnyRes needs a (3, " + side + ", " + side + ") image, got " + large64.length + " values");
        }
        int views = 1 + AnyRes.CROPS_PER_SIDE * AnyRes.CROPS_PER_SIDE;
        int per = CctModel.TOKENS;
        float[] all = new float[views * per * CctModel.DIM];
        float[][] pool = new float[views][];
        for (int v = 0; v < views; v++) {
            float[] img = v == 0
                    ? thumbnail
                    : ImagePreprocessor.crop(
                            large64,
                            side,
                            ((v - 1) % AnyRes.CROPS_PER_SIDE) * CctModel.IMAGE,
                            ((v - 1) / AnyRes.CROPS_PER_SIDE) * CctModel.IMAGE);
            CctModel.Stage s = model.run(TokenSet.of(model.tokenize(img)), 0, encoderBlocks, Reducer.NONE);
            System.arraycopy(s.tokens().tokens().data(), 0, all, v * per * CctModel.DIM, per * CctModel.DIM);
            pool[v] = model.poolWeights(s.tokens());
        }
        return new AnyRes(TokenSet.of(new FloatMatrix(views * per, CctModel.DIM, all)), views, per, pool);
    }
}
