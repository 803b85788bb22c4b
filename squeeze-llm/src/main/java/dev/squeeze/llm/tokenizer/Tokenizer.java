package dev.squeeze.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Text to token ids and back. */
public interface Tokenizer {

    int vocabSize();

    /** Beginning-of-sequence id, or -1. */
    int bos();

    /** End-of-sequence id, or -1. */
    int eos();

    /** Token ids of {@code text}, with BOS first when {@code addBos}. */
    int[] encode(String text, boolean addBos);

    /**
     * The bytes token {@code token} contributes after token {@code prev} (-1 at the start). Byte tokens
     * yield one raw byte, so a multi-byte character may span tokens: stream through {@link Utf8Stream}.
     */
    byte[] decodeBytes(int prev, int token);

    /** Text of a token sequence. */
    default String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int prev = -1;
        for (int t : tokens) {
            out.writeBytes(decodeBytes(prev, t));
            prev = t;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Checks a token id, naming it and the vocabulary size. */
    default void checkToken(int token) {
        if (token < 0 || token >= vocabSize()) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside the vocabulary [0, " + vocabSize() + ")");
        }
    }
}
