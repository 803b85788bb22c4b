package dev.squeeze.encoder;

/**
 * Shape and constants of a BERT-family encoder.
 *
 * @param vocabSize     rows of the word embeddings
 * @param hidden        D, the model width
 * @param layers        transformer layers
 * @param heads         attention heads (D % heads == 0)
 * @param intermediate  F, the feed-forward width
 * @param maxPositions  rows of the position embeddings
 * @param typeVocabSize rows of the token-type embeddings (0: none, DistilBERT)
 * @param layerNormEps  epsilon added to the variance in every LayerNorm
 * @param padTokenId    padding id (RoBERTa positions count from it)
 * @param numLabels     rows of the token-classification head, 0 when there is none
 */
public record EncoderConfig(
        Architecture architecture,
        int vocabSize,
        int hidden,
        int layers,
        int heads,
        int intermediate,
        int maxPositions,
        int typeVocabSize,
        float layerNormEps,
        Activation activation,
        int padTokenId,
        int numLabels) {
    public EncoderConfig {
        if (architecture == null || activation == null)
            throw new IllegalArgumentException("architecture and activation are required");
        positive("vocab_size", vocabSize);
        positive("hidden_size", hidden);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("intermediate_size", intermediate);
        positive("max_position_embeddings", maxPositions);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        if (typeVocabSize < 0 || numLabels < 0)
            throw new IllegalArgumentException("type_vocab_size and num_labels must be >= 0");
        if (!(layerNormEps > 0) || !Float.isFinite(layerNormEps))
            throw new IllegalArgumentException("layer_norm_eps must be positive, got " + layerNormEps);
        if (architecture.robertaPositions() && padTokenId + 1 >= maxPositions) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId
                    + " leaves no positions below max_position_embeddings " + maxPositions);
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    public int headDim() {
        return hidden / heads;
    }

    /** The longest input: every position needs an embedding row (RoBERTa's start after padding_idx). */
    public int maxSequenceLength() {
        return architecture.robertaPositions() ? maxPositions - padTokenId - 1 : maxPositions;
    }

    public EncoderConfig withNumLabels(int labels) {
        return new EncoderConfig(
                architecture,
                vocabSize,
                hidden,
                layers,
                heads,
                intermediate,
                maxPositions,
                typeVocabSize,
                layerNormEps,
                activation,
                padTokenId,
                labels);
    }
}
