package dev.squeeze.encoder.tokenizer;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** A tokenizer.json model (WordPiece or Unigram): one pre-tokenised word to subword tokens and their ids. */
interface TokenModel {
    /** Appends the tokens of {@code word} (non-empty) and their ids. */
    void tokenize(String word, List<String> tokens, IntList ids);

    /** Id of a vocabulary entry, or -1. */
    int id(String token);

    /** The vocabulary entry of an id, or null. */
    @Nullable
    String token(int id);

    int vocabSize();

    /** The unknown token's id, or -1 when the model has none. */
    int unkId();
}
