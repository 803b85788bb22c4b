package dev.squeeze.cachegen;

import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Saving the cache of a text to a CacheGen file (what {@code squeeze kv save} does). */
public final class KvFiles {
    private KvFiles() {}

    /** What was saved. */
    public record Saved(int tokens, int chunks, long bytes, long fp16Bytes) {
        public double ratioVsFp16() {
            return (double) fp16Bytes / bytes;
        }
    }

    /**
     * Fails unless {@code out} is absent or a regular file: the atomic rename that writes the stream would replace
     * whatever node is there (a device such as /dev/null, a FIFO, a symbolic link, an empty directory).
     */
    public static void requireReplaceable(Path out) {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(
                    out + " exists and is not a regular file (a device, FIFO, directory or symbolic link): "
                            + "refusing to replace it; write to a regular file");
        }
    }

    /**
     * Prefills {@code text} (BOS first) in a fresh session, encodes its cache and writes it to {@code out}
     * atomically (temporary file in the same folder, then ATOMIC_MOVE).
     */
    public static Saved save(LlamaModel model, String text, CacheGenEncoder encoder, Path out) throws IOException {
        requireReplaceable(out);
        int[] tokens = model.tokenizer().encode(text, true);
        int limit = model.config().seqLen();
        if (tokens.length > limit) {
            throw new IllegalArgumentException(
                    "the text is " + tokens.length + " tokens; the model's context is " + limit + ": shorten the text");
        }
        Session s = model.newSession();
        s.prefill(tokens, false);
        EncodedStream enc = encoder.encode(KvSnapshot.of(s.cache(), tokens), ModelFingerprint.of(model));
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".part");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                enc.writeTo(os);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Saved(tokens.length, enc.chunks().size(), enc.bytes(), enc.fp16Bytes());
    }
}
