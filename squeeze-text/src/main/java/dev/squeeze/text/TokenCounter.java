package dev.squeeze.text;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Counts tokens with an OpenAI BPE vocabulary (jtokkit). Immutable and thread-safe: one instance per
 * encoding is shared, built on first use (the vocabularies take ~100-300 ms to load).
 */
public final class TokenCounter {
    private final TokenEncoding encoding;
    private final Encoding bpe;

    private TokenCounter(TokenEncoding encoding, Encoding bpe) {
        this.encoding = encoding;
        this.bpe = bpe;
    }

    /** The shared counter of an encoding. */
    public static TokenCounter of(TokenEncoding encoding) {
        return switch (encoding) {
            case CL100K_BASE -> Cl100k.INSTANCE;
            case O200K_BASE -> O200k.INSTANCE;
        };
    }

    public static TokenCounter cl100k() {
        return of(TokenEncoding.CL100K_BASE);
    }

    public TokenEncoding encoding() {
        return encoding;
    }

    /** Number of tokens of {@code text}; special-token text such as "<|endoftext|>" is counted as ordinary text. */
    public int count(String text) {
        return text.isEmpty() ? 0 : bpe.countTokensOrdinary(text);
    }

    /** Token ids of {@code text} (ordinary text, no special tokens). */
    public int[] encode(String text) {
        return text.isEmpty() ? new int[0] : bpe.encodeOrdinary(text).toArray();
    }

    /** Decodes token ids back to text. */
    public String decode(int[] ids) {
        IntArrayList l = new IntArrayList(ids.length);
        for (int id : ids) l.add(id);
        return bpe.decode(l);
    }

    /** Vocabulary size, used to normalise BPE ranks. */
    public int vocabularySize() {
        return encoding == TokenEncoding.CL100K_BASE ? 100_256 : 199_998;
    }

    // Initialization-on-demand holders: immutable, loaded once, no mutable global state.
    private static final class Registry {
        static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
    }

    private static final class Cl100k {
        static final TokenCounter INSTANCE =
                new TokenCounter(TokenEncoding.CL100K_BASE, Registry.INSTANCE.getEncoding(EncodingType.CL100K_BASE));
    }

    private static final class O200k {
        static final TokenCounter INSTANCE =
                new TokenCounter(TokenEncoding.O200K_BASE, Registry.INSTANCE.getEncoding(EncodingType.O200K_BASE));
    }
}
