package dev.squeeze.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.jspecify.annotations.Nullable;

/**
 * One record to compress, as read from the input.
 *
 * @param id       the record's id (from its {@code id} field)
 * @param text     the text to compress (valid UTF-8, not blank)
 * @param question the question the text must answer, or {@code null}
 * @param origin   where it came from, {@code file:line} (for messages and the dead-letter output)
 */
public record Document(String id, String text, @Nullable String question, String origin) {
    /** Beam coder: four length-prefixed UTF-8 strings, the question nullable. Deterministic. */
    public static final class Coder extends CustomCoder<Document> {
        private static final StringUtf8Coder S = StringUtf8Coder.of();
        private static final NullableCoder<String> Q = NullableCoder.of(S);

        public static Coder of() {
            return new Coder();
        }

        @Override
        public void encode(Document d, OutputStream out) throws IOException {
            S.encode(d.id(), out);
            S.encode(d.text(), out);
            Q.encode(d.question(), out);
            S.encode(d.origin(), out);
        }

        @Override
        public Document decode(InputStream in) throws IOException {
            return new Document(S.decode(in), S.decode(in), Q.decode(in), S.decode(in));
        }

        @Override
        public void verifyDeterministic() {}
    }
}
