package dev.squeeze.llm.model;

/** Which dimensions RoPE rotates together within a head of size hd. */
public enum RopeStyle {
    /** Pairs (2i, 2i+1): llama2.c checkpoints and GGUF "llama" tensors. */
    INTERLEAVED,
    /** Pairs (i, i + hd/2) ("rotate half"): Hugging Face checkpoints, GGUF qwen2. */
    HALF
}
