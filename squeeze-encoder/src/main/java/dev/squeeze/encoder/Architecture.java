package dev.squeeze.encoder;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The BERT-family layouts the encoder runs; they differ in weight names, position ids and token types. */
public enum Architecture {
    /** BERT and MiniLM: positions 0..T-1, token-type embeddings. */
    BERT("bert"),
    /** RoBERTa: positions count non-padding tokens from padding_idx + 1. */
    ROBERTA("roberta"),
    /** XLM-RoBERTa (LLMLingua-2 large): as RoBERTa. */
    XLM_ROBERTA("xlm-roberta"),
    /** DistilBERT: no token types, its own weight names. */
    DISTILBERT("distilbert");

    private final String modelType;

    Architecture(String modelType) {
        this.modelType = modelType;
    }

    /** config.json's model_type. */
    public String modelType() {
        return modelType;
    }

    /** Whether position ids follow RoBERTa's create_position_ids_from_input_ids. */
    public boolean robertaPositions() {
        return this == ROBERTA || this == XLM_ROBERTA;
    }

    /** The architecture of a config.json model_type, or null. */
    public static @Nullable Architecture ofModelType(@Nullable String type) {
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT).replace('_', '-');
        for (Architecture a : values()) if (a.modelType.equals(t)) return a;
        return null;
    }
}
