package dev.squeeze.kv.merge;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressFactory;
import dev.squeeze.kv.api.PressParams;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Declares {@code razorattention}: {@link RazorAttentionPress} (retrieval heads probed on the model) and its catalog entry. */
public final class RazorAttentionFactory implements PressFactory {
    @Override
    public String name() {
        return "razorattention";
    }

    @Override
    public String description() {
        return "retrieval heads (probe length=64, induction=0.14, echo=0.01, seed=0) keep all; others sinks=4 + recent + 1 compensation token; keep=F | ratio=R | budget=N, match=false (equal memory)";
    }

    @Override
    public KvHook create(Map<String, String> params, KvModel model) {
        if (!model.canProbe()) {
            throw new IllegalArgumentException(
                    "press 'razorattention' probes the model for retrieval heads: create it with Presses.create(spec, model), not with the model's shape alone");
        }
        ModelShape c = model.shape();
        PressParams p = new PressParams(
                name(),
                params,
                List.of("keep", "ratio", "budget", "sinks", "length", "induction", "echo", "seed", "match"));
        Budget b = p.budget(c.seqLen());
        int sinks = p.integer("sinks", 4, 0, c.seqLen());
        int length = p.integer("length", Math.min(64, (c.seqLen() - 1) / 2), 2, (c.seqLen() - 1) / 2);
        double ind = p.real("induction", 0.14, 0, true, 1, true);
        double echo = p.real("echo", 0.01, 0, true, 1, true);
        int seed = p.integer("seed", 0, 0, Integer.MAX_VALUE);
        RetrievalHeads heads = RetrievalHeads.probe(model, length, ind, echo, seed);
        return new RazorAttentionPress(c, heads, b, sinks, p.bool("match", false));
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.KV)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "RazorAttention: Efficient KV Cache Compression Through Retrieval Heads",
                        "Tang et al.",
                        2024,
                        "https://arxiv.org/abs/2407.15891")
                .inputs("model", "attention")
                .implementation(RazorAttentionPress.class)
                .notesResource(getClass())
                .build());
    }
}
