package dev.squeeze.llm.spec;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;

import java.util.List;

/**
 * Catalog entries of squeeze-llm's decoding methods. The core catalog has no decoding family or speculation
 * mechanism yet, so Token Recycling is filed under the closest ones: family KV (it appends draft entries to the KV
 * cache and rolls them back) and mechanism ATTENTION (it is driven by the model's own outputs).
 */
public final class SpecMethods implements MethodProvider {
    @Override
    public List<MethodInfo> methods() {
        return List.of(MethodInfo.builder("token-recycling")
                .family(Family.KV).mechanism(Mechanism.ATTENTION)
                .paper("Turning Trash into Treasure: Accelerating Inference of Large Language Models with Token Recycling",
                        "Luo et al.", 2025, "https://arxiv.org/abs/2408.08696")
                .inputs("model", "prompt")
                .implementation(TokenRecycling.class)
                .notes("Training-free speculative decoding (greedy; output identical to plain greedy decoding). Adjacency matrix "
                        + "vocab x k, k = 8 (paper default), rows start at token 0 and are overwritten by the top-k of every verified "
                        + "node's logits, accepted or not; one matrix per TokenRecycling object, kept across prompts as the reference "
                        + "keeps one per run. Draft tree: the reference's static template (version 2.2.2: 80 nodes, depth 6, "
                        + "per depth 8/21/25/15/8/3) filled breadth-first from the matrix, or a sub-tree of it (nodes with ranks <= R "
                        + "and depth <= D) chosen for CPU verification, where each node costs a token's compute; verified in one "
                        + "batched forward with tree positions and an ancestor mask (Session.verifyTree); the longest draft path "
                        + "matching the model's greedy choices is accepted plus the bonus token; the cache keeps only that path "
                        + "(HeadKvStore.truncate + re-append, Session.acceptTree). Near the end of the context the tree is cut by "
                        + "depth. Not combined with presses. As the reference, the prompt's own prefill does not update the matrix and every "
                        + "node's logits are computed (the update needs them).")
                .build());
    }
}
