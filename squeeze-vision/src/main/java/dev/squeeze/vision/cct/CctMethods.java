package dev.squeeze.vision.cct;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.StagedReducer;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisionMethodCatalog;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.image.similarity.RandomAnyRes;
import dev.squeeze.vision.image.similarity.RandomPrune;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.HookContext;
import dev.squeeze.vision.model.Reducer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CCT adapter: wires the model-independent vision methods into the {@link CctModel}'s hooks. Blocks 0-2 play
 * the vision encoder and block 3 + the pooling the language model ({@link CctMethod#LLM_START}), so
 * <ul>
 *   <li>a {@link VisualReducer} acts once before block 3, with the attention of blocks 0-2 available;</li>
 *   <li>a {@link StagedReducer} acts per its placement: {@code EVERY_BLOCK} inside each of the 4 blocks (stage l =
 *       block l) and before the head (stage 4), {@code BLOCK_BOUNDARIES} before blocks 1-3 (stage s = block s),
 *       {@code ENCODER_OUTPUT_AND_END} before block 3 (stage 0) and before the head (stage 1).</li>
 * </ul>
 * The methods are the declared {@link VisionMethod}s (ServiceLoader), in services-file order.
 */
public final class CctMethods {
    private CctMethods() {}

    /** The seed of the random baselines' first draw (the benchmark adds more). */
    public static final long RANDOM_SEED = RandomPrune.DEFAULT_SEED;

    /** Every declared method that reduces one image's 256 tokens (including the in-LLM methods, with the pooling query as text). */
    public static List<CctMethod> image() {
        List<CctMethod> out = new ArrayList<>();
        for (VisionMethod m : VisionMethodCatalog.load()) {
            if (m instanceof VisualReducer r) out.add(atEncoderOutput(r));
            else if (m instanceof StagedReducer r) out.add(staged(r));
        }
        return out;
    }

    /** Every declared method on AnyRes tokens (thumbnail + 2 x 2 crops = 1280 tokens). */
    public static List<AnyResReducer> anyRes() {
        List<AnyResReducer> out = new ArrayList<>();
        for (VisionMethod m : VisionMethodCatalog.load()) if (m instanceof AnyResReducer r) out.add(r);
        return out;
    }

    /** The random baseline with another seed (the benchmark averages several draws). */
    public static CctMethod random(long seed) {
        return atEncoderOutput(new RandomPrune(seed));
    }

    /** The AnyRes random baseline with another seed. */
    public static AnyResReducer randomAnyRes(long seed) {
        return new RandomAnyRes(seed);
    }

    /** A one-step reducer acting where the encoder hands its tokens to the language model (before block 3). */
    public static CctMethod atEncoderOutput(VisualReducer method) {
        return new CctMethod() {
            @Override
            public String name() {
                return method.name();
            }

            @Override
            public int firstHookLayer() {
                return LLM_START;
            }

            @Override
            public Reducer reducer(int keep) {
                return new Reducer() {
                    @Override
                    public Optional<TokenTransform> beforeBlock(HookContext ctx) {
                        if (ctx.layer() != LLM_START) return Optional.empty();
                        Selections.checkKeep(method.name(), keep, ctx.size());
                        return keep == ctx.size()
                                ? Optional.empty()
                                : Optional.of(method.reduce(new CctVisualTokens(ctx), Budget.count(keep)));
                    }
                };
            }

            @Override
            public String toString() {
                return method.name();
            }
        };
    }

    /** A staged reducer placed on the CCT's blocks as its {@link StagedReducer.Placement} says. */
    public static CctMethod staged(StagedReducer method) {
        StagedReducer.Placement where = method.placement();
        return new CctMethod() {
            @Override
            public String name() {
                return method.name();
            }

            @Override
            public int firstHookLayer() {
                return where == StagedReducer.Placement.ENCODER_OUTPUT_AND_END ? LLM_START : 0;
            }

            @Override
            public Reducer reducer(int keep) {
                Selections.checkKeep(method.name(), keep, CctModel.TOKENS);
                Budget budget = Budget.count(keep);
                int stages = where == StagedReducer.Placement.ENCODER_OUTPUT_AND_END ? 2 : CctModel.BLOCKS;
                method.validate(CctModel.TOKENS, stages, budget);
                return new Reducer() {
                    @Override
                    public Optional<TokenTransform> insideBlock(HookContext ctx) {
                        if (where != StagedReducer.Placement.EVERY_BLOCK) return Optional.empty();
                        return method.reduce(new CctVisualTokens(ctx), ctx.layer(), stages, budget);
                    }

                    @Override
                    public Optional<TokenTransform> beforeBlock(HookContext ctx) {
                        int l = ctx.layer();
                        int stage;
                        switch (where) {
                            case EVERY_BLOCK:
                                stage = l == CctModel.BLOCKS ? CctModel.BLOCKS : -1;
                                break;
                            case BLOCK_BOUNDARIES:
                                stage = l >= 1 && l < CctModel.BLOCKS ? l : -1;
                                break;
                            default:
                                stage = l == LLM_START ? 0 : l == CctModel.BLOCKS ? 1 : -1;
                                break;
                        }
                        return stage < 0
                                ? Optional.empty()
                                : method.reduce(new CctVisualTokens(ctx), stage, stages, budget);
                    }
                };
            }

            @Override
            public String toString() {
                return method.name();
            }
        };
    }
}
