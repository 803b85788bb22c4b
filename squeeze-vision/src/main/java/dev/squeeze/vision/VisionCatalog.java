package dev.squeeze.vision;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import dev.squeeze.vision.audio.AdjacentAffinityPooling;
import dev.squeeze.vision.audio.CrossPolytopeLsh;
import dev.squeeze.vision.audio.SegmentTopK;
import dev.squeeze.vision.image.attention.DiffRate;
import dev.squeeze.vision.image.attention.FasterVlm;
import dev.squeeze.vision.image.attention.GlobalCom2;
import dev.squeeze.vision.image.attention.HiPrune;
import dev.squeeze.vision.image.attention.VisPruner;
import dev.squeeze.vision.image.attention.VisionZip;
import dev.squeeze.vision.image.attention.VtcCls;
import dev.squeeze.vision.image.pool.GridPooling;
import dev.squeeze.vision.image.similarity.MustDropWindows;
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
import dev.squeeze.vision.video.DyCoke;
import dev.squeeze.vision.video.FastVid;
import dev.squeeze.vision.video.HoliTom;
import dev.squeeze.vision.video.PruneVid;
import dev.squeeze.vision.video.TempMe;

import java.util.List;

/** Catalog entries of squeeze-vision ("tome" and "divprune" are registered by squeeze-core). */
public final class VisionCatalog implements MethodProvider {
    private static final String CCT = " CCT adaptation: CCT has no [CLS]; its attention-pooling weights (softmax over tokens of a "
            + "linear score of the final-normed tokens, log sizes added) stand in for [CLS] attention.";
    private static final String LLM = " Evaluated in the CCT with the attention-pooling query as the last-text-token proxy "
            + "(blocks 0-2 = vision encoder, block 3 + pooling = the language model).";

    @Override
    public List<MethodInfo> methods() {
        return List.of(
                MethodInfo.builder("avgpool").family(Family.IMAGE).mechanism(Mechanism.TRANSFORMATION)
                        .paper("Efficient Large Multi-modal Models via Visual Context Compression (LLaVolta)", "Chen et al.", 2024, "https://arxiv.org/abs/2406.20092")
                        .inputs("tokens", "grid").implementation(GridPooling.class)
                        .notes("Test-time average pooling of the visual tokens: 2-D windows when N/K tiles the grid (1x2, 2x2, 2x4, 4x4), "
                                + "else 1-D pooling over raster order into K contiguous runs (keep 75%). Size-weighted means; applied at the encoder output.")
                        .build(),
                MethodInfo.builder("tome-linear").family(Family.VIT).mechanism(Mechanism.SIMILARITY)
                        .paper("Token Merging: Your ViT But Faster", "Bolya et al.", 2023, "https://arxiv.org/abs/2210.09461")
                        .inputs("tokens", "attention-keys", "token-sizes").implementation(ToMeSchedule.class)
                        .notes("ToMe in every CCT block between attention and MLP with a linearly decreasing schedule r_l ~ (L - l); the bench's "
                                + "'tome' row is the constant schedule (core entry 'tome'). Metric = head-mean keys of the block, no [CLS] protected "
                                + "(CCT has none), proportional attention in later blocks and in the pooling. r_l <= N_l/2; if the cap leaves "
                                + "tokens over K after the last block, extra bipartite rounds on the final tokens run before the head (deviation).")
                        .build(),
                MethodInfo.builder("tome-encoder").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("Token Merging: Your ViT But Faster", "Bolya et al.", 2023, "https://arxiv.org/abs/2210.09461")
                        .inputs("tokens", "token-sizes").implementation(dev.squeeze.vision.image.similarity.ToMeEncoder.class)
                        .notes("ToMe as VLM reducers apply it: once at the encoder output (before block 3), bipartite soft matching rounds "
                                + "(r = min(N - K, N/2) each) down to exactly K; metric = the encoder-output tokens (cosine), no [CLS] protected, "
                                + "size-weighted averages, proportional attention in block 3 and the pooling.")
                        .build(),
                MethodInfo.builder("diffrate").family(Family.VIT).mechanism(Mechanism.ATTENTION)
                        .paper("DiffRate: Differentiable Compression Rate for Efficient Vision Transformers", "Chen et al.", 2023, "https://arxiv.org/abs/2305.17997")
                        .inputs("tokens", "cls-attention", "attention-keys", "kept-counts").implementation(DiffRate.class)
                        .notes("Inference with given per-block kept counts: sort by [CLS] attention, truncate to prune_kept[l], merge ranks >= merge_kept[l] "
                                + "into the most similar kept token (cosine of head-mean keys, size-weighted). DiffRate learns the counts; "
                                + "forBudget() derives them from K (ToMe linear removal schedule, half pruned half merged: our choice)." + CCT)
                        .build(),
                MethodInfo.builder("token-transforming").family(Family.VIT).mechanism(Mechanism.SIMILARITY)
                        .paper("Token Transforming: A Unified and Training-Free Token Compression Framework for Vision Transformer Acceleration",
                                "Zeng et al.", 2025, "https://arxiv.org/abs/2506.05709")
                        .inputs("tokens", "cls-attention", "token-sizes").implementation(TokenTransforming.class)
                        .notes("Many-to-many soft transform Y = W X (dense W). The paper's exact W has no public code: destinations = top-K by "
                                + "[CLS]-attention proxy; each other token spreads its mass over destinations by softmax(cos/0.1); rows size-weighted "
                                + "and normalised (our construction). Applied once at the encoder output, not per block." + CCT)
                        .build(),
                MethodInfo.builder("vtc-cls").family(Family.IMAGE).mechanism(Mechanism.ATTENTION)
                        .paper("[CLS] Attention is All You Need for Training-Free Visual Token Pruning: Make VLM Inference Faster",
                                "Zhang et al.", 2024, "https://arxiv.org/abs/2412.01818")
                        .inputs("tokens", "cls-attention-per-layer").implementation(VtcCls.class)
                        .notes("Score = sum over encoder layers (blocks 0-2) of the [CLS]-attention proxy evaluated on each block's output; top K." + CCT)
                        .build(),
                MethodInfo.builder("fastervlm").family(Family.IMAGE).mechanism(Mechanism.ATTENTION)
                        .paper("[CLS] Attention is All You Need for Training-Free Visual Token Pruning (FasterVLM)", "Zhang et al.", 2024,
                                "https://arxiv.org/abs/2412.01818")
                        .inputs("tokens", "cls-attention").implementation(FasterVlm.class)
                        .notes("Top K by the [CLS] attention of the encoder's last layer (block 2 output), before the LLM." + CCT)
                        .build(),
                MethodInfo.builder("visionzip").family(Family.IMAGE).mechanism(Mechanism.ATTENTION)
                        .paper("VisionZip: Longer is Better but Not Necessary in Vision Language Models", "Yang et al.", 2025, "https://arxiv.org/abs/2412.04467")
                        .inputs("tokens", "cls-attention", "attention-keys").implementation(VisionZip.class)
                        .notes("Dominant = top round(K*54/64) by [CLS] attention; contextual = K - dominant targets at uniform stride among the rest, "
                                + "others join the most similar target (cosine of head-mean keys) and are merged. Merge is a size-weighted mean "
                                + "(the reference's target + members-mean rows summing to 2 is not reproduced)." + CCT)
                        .build(),
                MethodInfo.builder("vispruner").family(Family.IMAGE).mechanism(Mechanism.ATTENTION)
                        .paper("Beyond Text-Visual Attention: Exploiting Visual Cues for Effective Token Pruning in VLMs", "Zhang et al.", 2025,
                                "https://arxiv.org/abs/2412.01818")
                        .inputs("tokens", "cls-attention").implementation(VisPruner.class)
                        .notes("Important = top round(K/2) by [CLS] attention (split our choice, unverified); diverse = the rest deduplicated by "
                                + "repeated alternate A/B splits dropping the A tokens most similar to B until the budget is met." + CCT)
                        .build(),
                MethodInfo.builder("hiprune").family(Family.IMAGE).mechanism(Mechanism.ATTENTION)
                        .paper("HiPrune: Training-Free Visual Token Pruning via Hierarchical Attention in Vision Encoders", "Liu et al.", 2025,
                                "https://arxiv.org/abs/2508.00553")
                        .inputs("tokens", "attention-per-layer", "grid").implementation(HiPrune.class)
                        .notes("Global attention = head- and query-mean attention received. Anchors = top max(1, round(K*0.1/5)) at the middle layer "
                                + "(block 1), buffers = their grid 4-neighbours, registers = top by the deep layer (block 2) to fill K.")
                        .build(),
                MethodInfo.builder("globalcom2").family(Family.IMAGE).mechanism(Mechanism.ATTENTION)
                        .paper("Compression with Global Guidance: Towards Training-free High-Resolution MLLMs Acceleration", "Liu et al.", 2025,
                                "https://arxiv.org/abs/2501.05179")
                        .inputs("anyres-views", "cls-attention-per-view").implementation(GlobalCom2.class)
                        .notes("AnyRes = thumbnail + 2x2 crops of a 64x64 resize, each encoded alone. Thumbnail keeps top R*256; crop ratio "
                                + "R(1 + softmax(s/10)_j - 1/4) clipped to [0,1], s_j = thumbnail attention over the crop's region; in-crop score = "
                                + "min-max own attention + min-max upsampled thumbnail attention; rounding settled by s_j order." + CCT)
                        .build(),
                MethodInfo.builder("tcc").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("Token-level Correlation-guided Compression for Efficient Multimodal Document Understanding", "Zhang et al.", 2024,
                                "https://arxiv.org/abs/2407.14439")
                        .inputs("anyres-views", "cls-attention-per-view").implementation(TokenCorrelation.class)
                        .notes("No public code: per-view budget proportional to the share of non-repetitive tokens (no other token of the view "
                                + "with cosine >= 0.9) + 1/256; inside a view, top by [CLS]-correlation proxy. Threshold and rule are our reading." + CCT)
                        .build(),
                MethodInfo.builder("mustdrop").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("Multi-Stage Vision Token Dropping: Towards Efficient Multimodal Large Language Model", "Liu et al.", 2024,
                                "https://arxiv.org/abs/2411.10803")
                        .inputs("tokens", "grid", "text-attention").implementation(MustDropWindows.class)
                        .notes("Stage 1: non-overlapping 2x2 windows with mean pairwise cosine >= 0.8 (our choice) merged, most coherent first, until K; "
                                + "remaining excess dropped by the stage-2 rule (mustdrop-filter) with merged tokens protected.")
                        .build(),
                MethodInfo.builder("todre").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("ToDRE: Visual Token Pruning via Diversity and Task Awareness for Efficient Large Vision-Language Models", "Li et al.",
                                2025, "https://arxiv.org/abs/2505.18757")
                        .inputs("tokens", "cls-attention").implementation(ToDreDiversity.class)
                        .notes("Stage 1 (v1): greedy k-center, squared Euclidean, core MaxMinDiversity.kCenter O(KND); first centre = the most salient "
                                + "token by the [CLS] proxy (our choice). v2 of the paper uses max-sum diversification instead." + CCT)
                        .build(),
                MethodInfo.builder("todre-2stage").family(Family.IMAGE).mechanism(Mechanism.QUERY)
                        .paper("ToDRE: Visual Token Pruning via Diversity and Task Awareness for Efficient Large Vision-Language Models", "Li et al.",
                                2025, "https://arxiv.org/abs/2505.18757")
                        .inputs("tokens", "text-attention").implementation(ToDreRelevance.class)
                        .notes("Stage 1 then stage 2: at a late layer drop visual tokens whose text attention < 0.1 x (1/N) and all of them when the "
                                + "text's total visual attention < 0.05 (constants our choice). May end below K." + LLM)
                        .build(),
                MethodInfo.builder("random").family(Family.IMAGE).mechanism(Mechanism.TRANSFORMATION)
                        .paper("Stop Looking for Important Tokens in Multimodal Language Models: Duplication Matters More (random-pruning baseline)",
                                "Wen et al.", 2025, "https://arxiv.org/abs/2502.11494")
                        .inputs("tokens").implementation(RandomPrune.class)
                        .notes("Not a paper's method: K tokens uniformly without replacement at the encoder output, seeded per image; the baseline "
                                + "every method must beat (cited paper: DART, which shows importance-only pruning often does not). The bench "
                                + "averages 5 seeds.")
                        .build(),
                MethodInfo.builder("fastv").family(Family.IMAGE).mechanism(Mechanism.QUERY)
                        .paper("An Image is Worth 1/2 Tokens After Layer 2: Plug-and-Play Inference Acceleration for Large Vision-Language Models",
                                "Chen et al.", 2024, "https://arxiv.org/abs/2403.06764")
                        .inputs("tokens", "last-token-attention").implementation(FastV.class)
                        .notes("Keep top (1-R) image tokens by the last prompt token's head-mean attention after layer K (default K=2, R=50%); "
                                + "R from the budget. Coincides with fastervlm under the single-query CCT proxy." + LLM)
                        .build(),
                MethodInfo.builder("sparsevlm").family(Family.IMAGE).mechanism(Mechanism.QUERY)
                        .paper("SparseVLM: Visual Token Sparsification for Efficient Vision-Language Model Inference", "Zhang et al.", 2025,
                                "https://arxiv.org/abs/2410.04417")
                        .inputs("tokens", "text-attention").implementation(SparseVlm.class)
                        .notes("Raters = text tokens with mean visual attention >= the mean; keep top K' by rater attention; recycle the top 30% of "
                                + "the pruned by DPC-KNN (k=5, our choice) into floor(n/10)+1 merged tokens; K' + centres = K. One pruning point "
                                + "(the paper uses a layer schedule)." + LLM)
                        .build(),
                MethodInfo.builder("pyramiddrop").family(Family.IMAGE).mechanism(Mechanism.QUERY)
                        .paper("PyramidDrop: Accelerating Your Large Vision-Language Models via Pyramid Visual Redundancy Reduction", "Xing et al.",
                                2025, "https://arxiv.org/abs/2410.17247")
                        .inputs("tokens", "last-instruction-attention").implementation(PyramidDrop.class)
                        .notes("S = 4 stages = the 4 CCT blocks; at boundaries before blocks 1, 2, 3 keep a fraction lambda = (K/N)^(1/3) by the "
                                + "last-instruction-token attention (paper default lambda = 0.5)." + LLM)
                        .build(),
                MethodInfo.builder("dart").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("Stop Looking for Important Tokens in Multimodal Language Models: Duplication Matters More", "Wen et al.", 2025,
                                "https://arxiv.org/abs/2502.11494")
                        .inputs("tokens", "attention-keys").implementation(Dart.class)
                        .notes("8 pivots by key L2 norm (count and norm our choice, unverified), keep the tokens with the lowest max cosine to the "
                                + "pivots, pivots kept." + LLM)
                        .build(),
                MethodInfo.builder("mustdrop-filter").family(Family.IMAGE).mechanism(Mechanism.QUERY)
                        .paper("Multi-Stage Vision Token Dropping: Towards Efficient Multimodal Large Language Model", "Liu et al.", 2024,
                                "https://arxiv.org/abs/2411.10803")
                        .inputs("tokens", "text-attention").implementation(MustDropFilter.class)
                        .notes("Dual-attention filter: drop a token when its total text attention < global_thr x total AND its max text attention < "
                                + "individual_thr (threshold form); budgeted form ranks by (total, max). Merged tokens protected." + LLM)
                        .build(),
                MethodInfo.builder("divprune-fold").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("DivPrune: Diversity-based Visual Token Pruning for Large Multimodal Models", "Alvar et al.", 2025,
                                "https://arxiv.org/abs/2503.02175")
                        .inputs("tokens").implementation(dev.squeeze.vision.image.similarity.DivPruneFold.class)
                        .notes("Composition, not one paper's method: DivPrune's K max-min-diverse tokens (D = 1 - cos) are kept and every "
                                + "pruned token is folded into its most similar kept token (cosine), size-weighted, the fold HoliTom "
                                + "(Shao et al., 2025, arXiv 2505.21334) applies to its in-LLM pruned tokens; proportional attention (ln size) "
                                + "in block 3 and the pooling. DivPrune itself drops the unselected tokens. Acts once before block 3.")
                        .build(),
                MethodInfo.builder("dpcknn-kmeans").family(Family.IMAGE).mechanism(Mechanism.SIMILARITY)
                        .paper("Token Pooling in Vision Transformers", "Marin et al.", 2023, "https://arxiv.org/abs/2110.03860")
                        .inputs("tokens").implementation(dev.squeeze.vision.image.similarity.DpcKnnKMeans.class)
                        .notes("Deviation, reported as its own method: DPC-KNN (k = 5) clusters, as in PruneVid's / HoliTom's merge, seed "
                                + "3 rounds (our choice) of size-weighted Lloyd K-Means (squared Euclidean), the clustering Token Pooling "
                                + "merges by (Token Pooling initialises differently); each cluster merged to its size-weighted mean, "
                                + "proportional attention downstream. A cluster that empties is dropped (output <= K). Acts once before block 3.")
                        .build(),
                MethodInfo.builder("prunevid").family(Family.VIDEO).mechanism(Mechanism.SIMILARITY)
                        .paper("PruneVid: Visual Token Pruning for Efficient Video Large Language Models", "Huang et al.", 2024,
                                "https://arxiv.org/abs/2412.16117")
                        .inputs("video-tokens").implementation(PruneVid.class)
                        .notes("Segments cut where adjacent-frame cosine < 0.9 (the paper clusters frames; our simpler reading); static positions "
                                + "(all adjacent same-position cosines >= 0.8) time-averaged; static and dynamic sets DPC-KNN (k=5) clustered to 50% and "
                                + "merged. Stage 2 = FastV-style. On a still image (bench row 'prunevid') it is DPC-KNN merging to K.")
                        .build(),
                MethodInfo.builder("dycoke").family(Family.VIDEO).mechanism(Mechanism.SIMILARITY)
                        .paper("DyCoke: Dynamic Compression of Tokens for Fast Video Large Language Models", "Tao et al.", 2025,
                                "https://arxiv.org/abs/2411.15024")
                        .inputs("video-tokens", "decode-attention").implementation(DyCoke.class)
                        .notes("Windows of 4: pairs (0,1), (2,3) then (0,2); the second frame drops the p = 0.7 (our choice) most similar tokens to the "
                                + "same position of the first. Decode: re-select top-k visual tokens when the attention cosine to the previous step < 0.9. "
                                + "A fixed-rate method: a static clip keeps 30% of each later frame.")
                        .build(),
                MethodInfo.builder("fastvid").family(Family.VIDEO).mechanism(Mechanism.SIMILARITY)
                        .paper("FastVID: Dynamic Density Pruning for Fast Video Large Language Models", "Shen et al.", 2025,
                                "https://arxiv.org/abs/2503.11187")
                        .inputs("video-tokens", "saliency").implementation(FastVid.class)
                        .notes("Segments cut at adjacent-frame cosine < 0.9; 30% salient tokens per frame kept; the rest merged into DPC-KNN density "
                                + "peaks (20% anchors, k=5) with anchor weight max(1/(n+1), 0.6). Anchor-frame details simplified (our reading).")
                        .build(),
                MethodInfo.builder("holitom").family(Family.VIDEO).mechanism(Mechanism.SIMILARITY)
                        .paper("HoliTom: Holistic Token Merging for Fast Video Large Language Models", "Shao et al.", 2025,
                                "https://arxiv.org/abs/2505.21334")
                        .inputs("video-tokens", "last-token-attention").implementation(HoliTom.class)
                        .notes("DP segmentation maximising sum of static positions x (length - 1) (reference: x length), tau = 0.8 (our choice); static "
                                + "positions time-averaged; dynamic tokens merged around DPC-KNN centres (50%, k=5) with anchor weight 0.6; inner-LLM "
                                + "fold keeps half by last-token attention and folds the rest into their most similar kept token.")
                        .build(),
                MethodInfo.builder("tempme").family(Family.VIDEO).mechanism(Mechanism.SIMILARITY)
                        .paper("TempMe: Video Temporal Token Merging for Efficient Text-Video Retrieval", "Shen et al.", 2025,
                                "https://arxiv.org/abs/2409.01156")
                        .inputs("video-tokens").implementation(TempMe.class)
                        .notes("TempMe-style training-free cross-clip merging: clips merged pairwise in a tree; A tokens whose best B match has cosine "
                                + ">= 0.9 are merged into it (threshold instead of TempMe's learned fixed quota: deviation).")
                        .build(),
                MethodInfo.builder("audio-segment-topk").family(Family.AUDIO).mechanism(Mechanism.ATTENTION)
                        .paper("LLMC+: Benchmarking Vision-Language Model Compression with a Plug-and-play Toolkit", "Lv et al.", 2025, "https://arxiv.org/abs/2508.09981")
                        .inputs("tokens", "scores").implementation(SegmentTopK.class)
                        .notes("Generic segment-wise selection (no single source paper; cited for the token-reduction benchmark it belongs to). S equal contiguous segments, each keeps floor(K/S) (+1 for the first K mod S) top tokens by score; shortfall carried forward.")
                        .build(),
                MethodInfo.builder("audio-adjacent-pooling").family(Family.AUDIO).mechanism(Mechanism.SIMILARITY)
                        .paper("Accelerating Transducers through Adjacent Token Merging", "Li et al.", 2023, "https://arxiv.org/abs/2306.16009")
                        .inputs("tokens", "token-sizes").implementation(AdjacentAffinityPooling.class)
                        .notes("Greedy: merge the most cosine-similar adjacent pair (size-weighted) until K; heap with lazy invalidation, O(N log N + ND).")
                        .build(),
                MethodInfo.builder("lsh-cross-polytope").family(Family.AUDIO).mechanism(Mechanism.SIMILARITY)
                        .paper("LSH-MoE: Communication-efficient MoE Training via Locality-Sensitive Hashing", "Nie et al.", 2024,
                                "https://arxiv.org/abs/2411.08446")
                        .inputs("tokens", "token-sizes").implementation(CrossPolytopeLsh.class)
                        .notes("Cross-polytope hash argmax of [xR, -xR] with Gaussian R (D x m), optional several tables (bucket = tuple); tokens in a "
                                + "bucket merged by size-weighted mean. Generic clusterer; seeded, deterministic.")
                        .build());
    }
}
