package dev.squeeze.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.text.CompressionJson;
import dev.squeeze.text.CompressionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * One compressed record: the {@code squeeze compress --json} fields and the record's id. The call's wall time
 * ({@code millis}) is left out, so a corpus compressed twice, or on two runners, gives the same bytes.
 */
public record CompressedDocument(
        String id, String compressed, int originTokens, int compressedTokens, double rate, String method) {
    public static CompressedDocument of(String id, CompressionResult r) {
        return new CompressedDocument(id, r.compressed(), r.originTokens(), r.compressedTokens(), r.rate(), r.method());
    }

    /** {@code {id, compressed, originTokens, compressedTokens, rate, method}}: {@link CompressionJson}'s shape, id first. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.setAll(CompressionJson.toNode(
                new CompressionResult(compressed, originTokens, compressedTokens, rate, method, 0)));
        o.remove("millis");
        return o;
    }

    /** Beam coder; deterministic. */
    public static final class Coder extends CustomCoder<CompressedDocument> {
        private static final StringUtf8Coder S = StringUtf8Coder.of();

        public static Coder of() {
            return new Coder();
        }

        @Override
        public void encode(CompressedDocument c, OutputStream out) throws IOException {
            S.encode(c.id(), out);
            S.encode(c.compressed(), out);
            VarIntCoder.of().encode(c.originTokens(), out);
            VarIntCoder.of().encode(c.compressedTokens(), out);
            DoubleCoder.of().encode(c.rate(), out);
            S.encode(c.method(), out);
        }

        @Override
        public CompressedDocument decode(InputStream in) throws IOException {
            return new CompressedDocument(
                    S.decode(in),
                    S.decode(in),
                    VarIntCoder.of().decode(in),
                    VarIntCoder.of().decode(in),
                    DoubleCoder.of().decode(in),
                    S.decode(in));
        }

        @Override
        public void verifyDeterministic() {}
    }
}
