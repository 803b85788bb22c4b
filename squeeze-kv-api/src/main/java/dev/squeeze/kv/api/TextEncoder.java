package dev.squeeze.kv.api;

/** A model's tokenizer as a press sees it: text to token ids, without BOS (KVzip's repeat prompt). */
@FunctionalInterface
public interface TextEncoder {
    int[] encode(String text);
}
