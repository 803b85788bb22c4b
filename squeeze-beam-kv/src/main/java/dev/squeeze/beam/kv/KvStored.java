package dev.squeeze.beam.kv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One document's KV cache in the store.
 *
 * @param id          the document's id
 * @param tokens       its tokens (BOS first)
 * @param cachedTokens the tokens whose cache is in the store: its whole chunks, floor(tokens / chunk) x chunk
 * @param bytes        bytes written to the store (0 when reused)
 * @param fp16Bytes    what the stored cache takes as fp16 (for the compression ratio)
 * @param reused       true when the store already held those chunks (checked, nothing written)
 * @param fingerprint the model fingerprint's SHA-256 (hex), part of every key
 */
public record KvStored(
        String id, int tokens, int cachedTokens, long bytes, long fp16Bytes, boolean reused, String fingerprint) {
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("tokens", tokens);
        o.put("cachedTokens", cachedTokens);
        o.put("bytes", bytes);
        o.put("fp16Bytes", fp16Bytes);
        o.put("reused", reused);
        o.put("fingerprint", fingerprint);
        return o;
    }

    /** Beam coder; deterministic. */
    public static final class Coder extends CustomCoder<KvStored> {
        public static Coder of() {
            return new Coder();
        }

        @Override
        public void encode(KvStored k, OutputStream out) throws IOException {
            StringUtf8Coder.of().encode(k.id(), out);
            VarIntCoder.of().encode(k.tokens(), out);
            VarIntCoder.of().encode(k.cachedTokens(), out);
            VarLongCoder.of().encode(k.bytes(), out);
            VarLongCoder.of().encode(k.fp16Bytes(), out);
            BooleanCoder.of().encode(k.reused(), out);
            StringUtf8Coder.of().encode(k.fingerprint(), out);
        }

        @Override
        public KvStored decode(InputStream in) throws IOException {
            return new KvStored(
                    StringUtf8Coder.of().decode(in),
                    VarIntCoder.of().decode(in),
                    VarIntCoder.of().decode(in),
                    VarLongCoder.of().decode(in),
                    VarLongCoder.of().decode(in),
                    BooleanCoder.of().decode(in),
                    StringUtf8Coder.of().decode(in));
        }

        @Override
        public void verifyDeterministic() {}
    }
}
