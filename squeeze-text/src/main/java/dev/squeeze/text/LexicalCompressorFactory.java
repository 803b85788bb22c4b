package dev.squeeze.text;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import java.util.Map;
import java.util.Optional;

/** Declares {@link LexicalCompressor}, the default: registry entry and catalog entry. */
public final class LexicalCompressorFactory implements CompressorFactory {
    @Override
    public String name() {
        return LexicalCompressor.NAME;
    }

    @Override
    public PromptCompressor create(Map<String, String> options) {
        return new LexicalCompressor();
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.TEXT)
                .mechanism(Mechanism.QUERY)
                .paper(
                        "LongLLMLingua: Accelerating and Enhancing LLMs in Long Context Scenarios via Prompt Compression",
                        "Jiang et al.",
                        2024,
                        "https://arxiv.org/abs/2310.06839")
                .inputs("text", "question (optional)")
                .implementation(LexicalCompressor.class)
                .notesResource(getClass())
                .build());
    }
}
