package dev.squeeze.text.semantic;

import dev.squeeze.encoder.distill.StaticEmbeddings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The static token embeddings shipped with squeeze-text: Model2Vec vectors (256 dimensions, int8) distilled from
 * sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0; see NOTICE) with its WordPiece tokenizer, so a semantic signal
 * needs no model and no network at run time. Made by {@code squeeze distill} (see docs/ARCHITECTURE.md, squeeze-encoder).
 * Loaded once, on first use; immutable and thread-safe.
 */
public final class StaticTokenEmbeddings {
    /** Class-path location of the shipped file. */
    public static final String RESOURCE = "/dev/squeeze/text/semantic/all-minilm-l6-v2.m2v.sqse";

    private StaticTokenEmbeddings() {}

    private static final class Holder {
        static final StaticEmbeddings MINILM = load();
    }

    /** The shipped all-MiniLM-L6-v2 static embeddings. */
    public static StaticEmbeddings miniLm() {
        return Holder.MINILM;
    }

    private static StaticEmbeddings load() {
        try (InputStream in = StaticTokenEmbeddings.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException(RESOURCE + " is missing from the class path (squeeze-text jar)");
            return StaticEmbeddings.read(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
