package dev.squeeze.kv;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import dev.squeeze.kv.evict.AdaKvPress;
import dev.squeeze.kv.evict.EvictionPresses;
import dev.squeeze.kv.evict.ExpectedAttentionPress;
import dev.squeeze.kv.evict.H2OPress;
import dev.squeeze.kv.evict.KeyDiffPress;
import dev.squeeze.kv.evict.KnormPress;
import dev.squeeze.kv.evict.KvZipPress;
import dev.squeeze.kv.evict.PyramidKvPress;
import dev.squeeze.kv.evict.RandomPress;
import dev.squeeze.kv.evict.SnapKvPress;
import dev.squeeze.kv.evict.StreamingLlmPress;
import dev.squeeze.kv.evict.TovaPress;
import dev.squeeze.kv.lowrank.CskvPress;
import dev.squeeze.kv.merge.EmsPress;
import dev.squeeze.kv.merge.RazorAttentionPress;
import dev.squeeze.kv.quant.GearStore;
import dev.squeeze.kv.quant.KiviStore;
import dev.squeeze.kv.quant.ZipCachePress;
import dev.squeeze.kv.select.GemFilter;
import dev.squeeze.kv.select.TidalDecodePress;

import java.util.List;

/** Catalog entries of squeeze-kv: every KV press, store and selector, with its paper and constants. */
public final class KvMethods implements MethodProvider {
    private static final String EVICT = " All evictions are TokenTransform.select on the per-(layer, KV head) stores; kept entries keep "
            + "their position ids (no re-rotation). GQA: attention averaged over the query heads of a KV head. Budget: keep=F "
            + "(floor(F n), >= 1), ratio=R (keep 1-R) or budget=N per head; a fixed budget also applies at decode (every=1: "
            + "evict each step; every=N: re-compress every N steps). Common: sinks=N first entries and recent=N newest entries always kept (defaults per press).";

    @Override
    public List<MethodInfo> methods() {
        return List.of(
                m("streamingllm", Mechanism.TRANSFORMATION, StreamingLlmPress.class, "Efficient Streaming Language Models with Attention Sinks", "Xiao et al.", 2023, "https://arxiv.org/abs/2309.17453",
                        "sinks=4 first entries + most recent. Deviation: positions are not re-assigned inside the window (the paper re-rotates to cache positions)." + EVICT, "keys"),
                m("h2o", Mechanism.ATTENTION, H2OPress.class, "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models", "Zhang et al.", 2023, "https://arxiv.org/abs/2306.14048",
                        "Score = accumulated attention over every query (prefill + decode) / number of queries that saw the entry (kvpress normalisation); recent window = half the target (recent=N overrides); normalise=false gives the paper's plain sum." + EVICT, "attention"),
                m("snapkv", Mechanism.ATTENTION, SnapKvPress.class, "SnapKV: LLM Knows What You are Looking for Before Generation", "Li et al.", 2024, "https://arxiv.org/abs/2404.14469",
                        "Observation window=32 last prompt queries, summed attention, avg-pool kernel=5 (zero padded), per-head top-k, window kept (the reference SnapKV/kvpress defaults: window 32-64, avgpool kernel 5; no separate sinks, as in the reference). Deviation: the reference asserts capacity > window, here the window shrinks to the target when smaller. Prefill only." + EVICT, "attention"),
                m("pyramidkv", Mechanism.ATTENTION, PyramidKvPress.class, "PyramidKV: Dynamic KV Cache Compression based on Pyramidal Information Funneling", "Cai et al.", 2024, "https://arxiv.org/abs/2406.02069",
                        "SnapKV scoring; layer budgets linear from bottom (w + 2C' - C'/beta) to top (w + C'/beta), C' = mean target - window, beta=20, mean over layers = target. Prefill only." + EVICT, "attention"),
                m("tova", Mechanism.ATTENTION, TovaPress.class, "Transformers are Multi-State RNNs", "Oren et al.", 2024, "https://arxiv.org/abs/2401.06104",
                        "Last query's attention averaged over all heads of the layer; one shared top-k per layer. At decode reuses the runtime's step attention." + EVICT, "attention"),
                m("knorm", Mechanism.TRANSFORMATION, KnormPress.class, "A Simple and Effective L2 Norm-Based Strategy for KV Cache Compression", "Devoto et al.", 2024, "https://arxiv.org/abs/2406.11430",
                        "Score = -||k||; smallest key norms kept." + EVICT, "keys"),
                m("keydiff", Mechanism.SIMILARITY, KeyDiffPress.class, "KeyDiff: Key Similarity-Based KV Cache Eviction for Long-Context LLM Inference in Resource-Constrained Environments", "Park et al.", 2025, "https://arxiv.org/abs/2504.15364",
                        "Score = -cos(k, mean key of the head); most distinctive keys kept." + EVICT, "keys"),
                m("expectedattention", Mechanism.ATTENTION, ExpectedAttentionPress.class, "Expected Attention: KV Cache Compression by Estimating Attention from Future Queries Distribution", "Devoto et al.", 2025, "https://arxiv.org/abs/2510.00636",
                        "Gaussian query model from all queries seen (RoPE undone), rotated and averaged over future=512 positions; expected logit mu.k/sqrt(d) + k'Sk/(2d); softmax, times ||v|| (vnorm=true), epsilon=0, sinks=4. Statistics are running sums over every query (kvpress uses the prompt's queries)." + EVICT, "queries", "keys", "values"),
                m("adakv", Mechanism.ATTENTION, AdaKvPress.class, "Ada-KV: Optimizing KV Cache Eviction by Adaptive Budget Allocation for Efficient LLM Inference", "Feng et al.", 2024, "https://arxiv.org/abs/2407.11550",
                        "SnapKV scores (window=32, kernel=5, as the snapkv entry), which the paper designs Ada-KV to allocate; per layer one top-k over all heads (heads x target entries) after a per-head floor of alpha=0.2 of the target. Heads end with unequal lengths. Prefill only." + EVICT, "attention"),
                m("kvzip", Mechanism.ATTENTION, KvZipPress.class, "KVzip: Query-Agnostic KV Cache Compression with Context Reconstruction", "Kim et al.", 2025, "https://arxiv.org/abs/2505.23416",
                        "After the prompt is prefilled, \"Repeat the previous context:\" + the prompt runs teacher-forced over the full cache (a second prefill); each prompt entry's score = max attention it receives from "
                        + "any query of that input, over the query heads of its KV head; the input's entries are removed, then allocation=model (default, the paper's non-uniform allocation: one top-k over every head of every layer) "
                        + "| layer | head (the paper's uniform variant) keeps keep x n entries in total. Algorithm 1's chunks of chunk=2048 tokens (later chunks after \"Repeat the previous context starting with\" + the last 8 tokens of the previous chunk + \":\"), "
                        + "softmax over the chunk's entries and the input's own. Deviations: plain-text repeat prompt (no chat template; lead=none drops it, for models without a tokenizer); chunks shrink to fit the model's context. Prefill only; entries before the prompt are kept. Cost: a second prefill of the prompt; while it runs the cache also holds the repeat prompt and the chunk (peak bytes show it).", "model", "attention"),
                MethodInfo.builder("random-kv").family(Family.KV).mechanism(Mechanism.TRANSFORMATION)
                        .paper("kvpress: LLM KV cache compression made easy (RandomPress baseline)", "NVIDIA", 2024, "https://github.com/NVIDIA/kvpress")
                        .inputs("keys").implementation(RandomPress.class).notes("Uniform random scores, seed=0." + EVICT).build(),
                MethodInfo.builder("decoding").family(Family.KV).mechanism(Mechanism.ATTENTION)
                        .paper("kvpress: LLM KV cache compression made easy (DecodingPress)", "NVIDIA", 2024, "https://github.com/NVIDIA/kvpress")
                        .inputs("attention").implementation(EvictionPresses.Decoding.class)
                        .notes("Decode-time wrapper: press=<scorer>, budget=N, every=16 steps: the cache grows to budget+every then is cut back to budget by the scorer.").build(),
                m("razorattention", Mechanism.ATTENTION, RazorAttentionPress.class, "RazorAttention: Efficient KV Cache Compression Through Retrieval Heads", "Tang et al.", 2024, "https://arxiv.org/abs/2407.15891",
                        "Retrieval heads found by probing the model with a random sequence of length=64 repeated twice: top induction=14% and echo=1% of query heads (a KV head is retrieval if any of its query heads is) keep all entries. Others: sinks=4 + recent + 1 compensation token = size-weighted mean of dropped keys and values; its count is honoured by adding ln(count) to its logit (SizedKvStore). match=true lowers non-retrieval budgets so total entries equal keep x n.", "model", "attention"),
                m("ems", Mechanism.SIMILARITY, EmsPress.class, "EMS: Adaptive Evict-then-Merge Strategy for Head-wise KV Cache Compression Based on Global-Local Importance", "Li et al.", 2024, "https://arxiv.org/abs/2412.08521",
                        "Global-local score = normalised accumulated attention (sum 1) + window=32 local attention (sum 1). Evicted entries merged into the most similar kept key when cosine >= sim=0.5 (size-weighted, ln size logit bias; bias=false merges without it), else dropped. Not reproduced: the zero-class GPU mechanism; the equal weighting is our choice." + EVICT, "attention", "keys"),
                m("gemfilter", Mechanism.ATTENTION, GemFilter.class, "Discovering the Gems in Early Layers: Accelerating Long-Context LLMs with 1000x Input Token Reduction", "Shi et al.", 2024, "https://arxiv.org/abs/2409.17167",
                        "Filter layer = round(13/32 L); raw last-query logits summed over heads, avg-pool kernel=5 (our choice), top-k in original order (last token always), then a fresh run on the selected tokens (GemFilter.select + new session). The 'gemfilter' press spec does the rerun once the prompt has run (its entries are replaced by the chosen tokens' at new positions); "
                                + "there the first pass runs every layer, and the prompt's own logits (the first generated token) come from the full prompt.", "model", "queries", "keys"),
                m("tidaldecode", Mechanism.ATTENTION, TidalDecodePress.class, "TidalDecode: Fast and Accurate LLM Decoding with Position Persistent Sparse Attention", "Yang et al.", 2024, "https://arxiv.org/abs/2410.05076",
                        "Dense prefill; decode: layers < full=2 dense; selection layers full and correction=round(13/32 L) attend fully and pick per-KV-head top-k (group-mean attention, current token always) reused by the following layers until the next selection layer. Saves memory traffic, not memory.", "attention"),
                m("kivi", Mechanism.TRANSFORMATION, KiviStore.class, "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache", "Liu et al.", 2024, "https://arxiv.org/abs/2402.02750",
                        "Algorithm 1 of the paper. Asymmetric min-max, bits 2|4|8 (default 2), fp16 scales/zero points, codes bit-packed, attention computed from the packed codes. Keys per channel over groups of G=32 tokens; values per token over groups of min(G, head_dim) channels (groups stay inside one head as in the reference, which quantises each head's (T, head_dim) values along head_dim, so at head_dim 8 each value carries 4 bits of fp16 scale/zero point). Residual layout (R=32 default, must be a multiple of G): after l tokens the last l mod R keys stay full precision (a key residual of R tokens is quantised whole, R/G groups, and emptied) and the last min(R, l) values (a sliding window: the value leaving it is quantised); R=0 quantises every value on arrival and flushes keys every G tokens (per-channel groups need G tokens: key residual l mod G). Token-by-token appends reproduce the prefill state exactly. Residuals fp32 by default (this runtime's precision) or residualDtype=fp16 (the reference keeps them in the fp16 model dtype; inputs rounded to fp16, counted at 2 bytes). "
                                + "Option preRope=true (off by default; not KIVI's reference, which quantises rotated keys): keys are rotated back to position 0 before per-channel quantisation and rotated to their position when read, "
                                + "KVQuant's pre-RoPE key quantisation (Hooper et al., NeurIPS 2024, arXiv:2401.18079, Sec. 3.2); KVQuant's calibrated ranges, non-uniform levels and sparse outliers are not taken.", "keys", "values"),
                m("gear", Mechanism.TRANSFORMATION, GearStore.class, "GEAR: An Efficient KV Cache Compression Recipe for Near-Lossless Generative Inference of LLM", "Kang et al.", 2024, "https://arxiv.org/abs/2403.05527",
                        "Per block of G=32 tokens: S = 2% extreme entries (1% largest, 1% smallest; int32 index + fp16 value), Q = KIVI quantisation of X - S (default 4 bits), L = rank-2 approximation of the residual by 3 subspace (power) iterations, fp16 factors; GEAR's streaming buffer (BlockQuantStore): keys and values quantised together per block of G tokens, one shared recent residual of R=32..R+G-1 entries (fp32, or residualDtype=fp16).", "keys", "values"),
                m("zipcache", Mechanism.ATTENTION, ZipCachePress.class, "ZipCache: Accurate and Efficient KV Cache Quantization with Salient Token Identification", "He et al.", 2024, "https://arxiv.org/abs/2405.14256",
                        "Saliency = normalised attention from probe queries (last 5% + random 5%); 40% least salient at 2 bits, rest 4. Keys channelwise per precision class; values channel-separable tokenwise (channels divided by sqrt(max|v|)). Decode tokens stay fp32 until a rebuild every 100 steps (re-quantises dequantised entries: a deviation).", "attention", "keys", "values"),
                m("cskv", Mechanism.TRANSFORMATION, CskvPress.class, "CSKV: Training-Efficient Channel Shrinking for KV Cache in Long-Context Scenarios", "Wang et al.", 2024, "https://arxiv.org/abs/2409.10593",
                        "Training-free part only: per (layer, KV head) bases = top-r eigenvectors (Jacobi) of K^T K and V^T V from calibration activations; old entries stored as r channels, window=32 recent entries full precision. Not done: the paper's fine-tuning of the shrinking layers and QAT. Spec form calibrates online on the first prefill.", "keys", "values"));
    }

    private static MethodInfo m(String name, Mechanism mech, Class<?> impl, String title, String authors, int year, String url, String notes, String... inputs) {
        return MethodInfo.builder(name).family(Family.KV).mechanism(mech).paper(title, authors, year, url)
                .inputs(inputs).implementation(impl).notes(notes).build();
    }
}
