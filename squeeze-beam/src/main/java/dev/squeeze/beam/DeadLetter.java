package dev.squeeze.beam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.jspecify.annotations.Nullable;

/**
 * A record that was not compressed, and why. Every record read ends either in the compressed output or here.
 *
 * <p>The original bytes are kept when they are at most {@link #MAX_KEPT_BYTES}; a larger record keeps its SHA-256 and
 * length only (its bytes may be what made it fail). The byte array is shared, not copied.
 *
 * @param id       the record's id, or {@code null} when it could not be read (bad UTF-8, bad JSON, no id)
 * @param origin   {@code file:line}
 * @param stage    {@code read}, {@code parse}, {@code compress} or {@code prefill} (the KV job)
 * @param reason   what was wrong, naming field, offset or limit
 * @param length   the original record's length in bytes
 * @param original the original bytes, or empty when over {@link #MAX_KEPT_BYTES}
 * @param sha256   lowercase hex SHA-256 of the original bytes
 */
public record DeadLetter(
        @Nullable String id, String origin, String stage, String reason, long length, byte[] original, String sha256) {
    /** Largest original record copied into the dead-letter output: 64 KiB. */
    public static final int MAX_KEPT_BYTES = 64 << 10;

    public static final String READ = "read", PARSE = "parse", COMPRESS = "compress", PREFILL = "prefill";

    /** A failure with the record's bytes (kept whole up to {@link #MAX_KEPT_BYTES}, else digested). */
    public static DeadLetter of(@Nullable String id, String origin, String stage, String reason, byte[] bytes) {
        byte[] kept = bytes.length <= MAX_KEPT_BYTES ? bytes : new byte[0];
        return new DeadLetter(
                id,
                origin,
                stage,
                reason,
                bytes.length,
                kept,
                HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    /** A failure of a record whose bytes were digested while streamed (too large to hold). */
    public static DeadLetter digested(String origin, String stage, String reason, long length, byte[] digest) {
        return new DeadLetter(
                null, origin, stage, reason, length, new byte[0], HexFormat.of().formatHex(digest));
    }

    /** {@code {id, origin, stage, reason, length, sha256, original?}}, the original in base64 when kept. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("origin", origin);
        o.put("stage", stage);
        o.put("reason", reason);
        o.put("length", length);
        o.put("sha256", sha256);
        if (original.length > 0 || length == 0)
            o.put("original", Base64.getEncoder().encodeToString(original));
        return o;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Beam coder; deterministic. */
    public static final class Coder extends CustomCoder<DeadLetter> {
        private static final StringUtf8Coder S = StringUtf8Coder.of();
        private static final NullableCoder<String> N = NullableCoder.of(S);

        public static Coder of() {
            return new Coder();
        }

        @Override
        public void encode(DeadLetter d, OutputStream out) throws IOException {
            N.encode(d.id(), out);
            S.encode(d.origin(), out);
            S.encode(d.stage(), out);
            S.encode(d.reason(), out);
            VarLongCoder.of().encode(d.length(), out);
            ByteArrayCoder.of().encode(d.original(), out);
            S.encode(d.sha256(), out);
        }

        @Override
        public DeadLetter decode(InputStream in) throws IOException {
            return new DeadLetter(
                    N.decode(in),
                    S.decode(in),
                    S.decode(in),
                    S.decode(in),
                    VarLongCoder.of().decode(in),
                    ByteArrayCoder.of().decode(in),
                    S.decode(in));
        }

        @Override
        public void verifyDeterministic() {}
    }
}
