package dev.squeeze.vision.cct;

import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.image.attention.DiffRate;
import dev.squeeze.vision.image.attention.FasterVlm;
import dev.squeeze.vision.image.attention.GlobalCom2;
import dev.squeeze.vision.image.attention.HiPrune;
import dev.squeeze.vision.image.attention.VisPruner;
import dev.squeeze.vision.image.attention.VisionZip;
import dev.squeeze.vision.image.attention.VtcCls;
import dev.squeeze.vision.image.pool.GridPooling;
import dev.squeeze.vision.image.similarity.DivPruneMethod;
import dev.squeeze.vision.image.similarity.MustDropWindows;
import dev.squeeze.vision.image.similarity.RandomAnyRes;
import dev.squeeze.vision.image.similarity.RandomPrune;
import dev.squeeze.vision.image.similarity.ToDreDiversity;
import dev.squeeze.vision.image.similarity.ToMeSchedule;
import dev.squeeze.vision.image.similarity.TokenCorrelation;
import dev.squeeze.vision.image.similarity.TokenTransforming;
import dev.squeeze.vision.llm.Dart;
import dev.squeeze.vision.llm.FastV;
import dev.squeeze.vision.llm.MustDropFilter;
import dev.squeeze.vision.llm.PyramidDrop;
import dev.squeeze.vision.llm.SparseVlm;
import dev.squeeze.vision.llm.ToDreRelevance;

import java.util.List;

/** Every image method wired into the CCT, with its default constants. */
public final class CctMethods {
    private CctMethods() {}

    public static final long RANDOM_SEED = 20240101L;

    /** Methods on the 256 tokens of one 32 x 32 image (including the in-LLM methods with the pooling-query proxy). */
    public static List<CctMethod> image() {
        return List.of(
                new GridPooling(),
                new ToMeSchedule(ToMeSchedule.Schedule.CONSTANT),
                new ToMeSchedule(ToMeSchedule.Schedule.LINEAR),
                new dev.squeeze.vision.image.similarity.ToMeEncoder(),
                new DiffRate(),
                new TokenTransforming(0.1f),
                new VtcCls(),
                new FasterVlm(),
                new VisionZip(),
                new VisPruner(),
                new HiPrune(),
                new MustDropWindows(0.8f),
                new DivPruneMethod(),
                new ToDreDiversity(),
                new FastV(),
                new SparseVlm(),
                new PyramidDrop(),
                new Dart(8),
                new MustDropFilter(),
                new ToDreRelevance(),
                new dev.squeeze.vision.video.PruneVidImage(),
                new dev.squeeze.vision.image.similarity.DivPruneFold(),
                new dev.squeeze.vision.image.similarity.DpcKnnKMeans(),
                new RandomPrune(RANDOM_SEED));
    }

    /** Methods on AnyRes tokens (thumbnail + 2 x 2 crops = 1280 tokens). */
    public static List<AnyResReducer> anyRes() {
        return List.of(new GlobalCom2(), new TokenCorrelation(), new RandomAnyRes(RANDOM_SEED));
    }
}
