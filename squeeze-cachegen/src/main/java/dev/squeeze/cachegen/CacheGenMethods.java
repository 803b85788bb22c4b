package dev.squeeze.cachegen;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.catalog.MethodProvider;
import java.util.List;

/** Registers CacheGen in the method catalog. */
public final class CacheGenMethods implements MethodProvider {
    @Override
    public List<MethodInfo> methods() {
        return List.of(MethodInfo.builder("cachegen")
                .family(Family.KV)
                .mechanism(Mechanism.TRANSFORMATION)
                .paper(
                        "CacheGen: KV Cache Compression and Streaming for Fast Large Language Model Serving",
                        "Liu, Li, Cheng, Ray, Huang, Zhang, Du, Yao, Lu, Ananthanarayanan, Maire, Hoffmann, Holtzman, Jiang",
                        2024,
                        "https://arxiv.org/abs/2310.07240")
                .inputs("kv-cache", "token-ids")
                .implementation(CacheGenEncoder.class)
                .notes(
                        "Codes the whole cache into a bitstream (no token is dropped, so no TokenTransform). Per (layer, K/V) every "
                                + "token's row over all KV heads is quantised symmetrically with one fp16 scale max|x|/h (rounded up), "
                                + "h = (bins-1)/2. Layers in three equal groups, more bins early; levels 0..6, default 3 = keys 31/31/31, "
                                + "values 15/7/7 (keys need ~2x the bins of values on stories260K). Delta coding against anchor tokens is "
                                + "optional (anchor every g tokens of a chunk, coded as is; the others code x - x_anchor_reconstructed on the "
                                + "anchor's step, alphabet 2*bins-1): off by default because on stories260K it cost ~20% more bytes at the "
                                + "same precision (weak token-wise locality in a 260K-parameter model). Static range coder (32-bit, carry propagation) with one table "
                                + "per (level, layer, K/V, anchor/delta role, channel), 14-bit totals; tables are counted on the cache "
                                + "being coded and stored in the header as 1-byte log2 weights (the paper profiles them offline per model). "
                                + "Chunks of 256 tokens, level chosen per chunk: by the caller, or from a byte budget per token (the finest "
                                + "level whose payload fits, standing in for the paper's bandwidth budget); the paper's streaming controller "
                                + "(throughput estimation, falling back to text recompute per chunk) is not implemented: prefix reuse falls "
                                + "back to recompute only when a chunk is missing, damaged or the store fails.")
                .build());
    }
}
