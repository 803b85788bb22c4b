package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;

/**
 * StreamingLLM (Xiao et al., "Efficient Streaming Language Models with Attention Sinks", 2023,
 * arXiv:2309.17453): keep the first {@code sinks} = 4 entries (attention sinks) and the most recent ones.
 * Score = slot order (recency). Positions are not re-rotated (kept entries keep their original position
 * ids), unlike the paper's rolling cache positions.
 */
final class StreamingLlmPress extends ScorePress {
    public StreamingLlmPress(PressParams p, ModelShape c) {
        super("streamingllm", p, c, 4);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int n = v.store(kvHead).length();
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = i;
        return s;
    }
}
