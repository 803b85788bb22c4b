package dev.squeeze.encoder.tokenizer;

import java.util.List;

/** A tokenizer.json model (WordPiece or Unigram): one pre-tokenised word to subword tokens and their ids. */
interface TokenModel {
    /** Appends the tokens of {@code word} (non-empty) and their ids. */
    void tokenize(String word, List<String> tokens, IntList ids);

    /** Id of a vocabulary entry, or -1. */
    int id(String token);

    /** The vocabulary entry of an id, or null. */
    String token(int id);

    int vocabSize();

    /** The unknown token's id, or -1 when the model has none. */
    int unkId();
}
