package dev.squeeze.cachegen.store;

import dev.squeeze.cachegen.ModelFingerprint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content addresses: SHA-256 over the model fingerprint's hash, the nominal chunk length and the token ids of
 * a prefix (int32 little-endian each). A full chunk ending at token e is stored under {@code c-H(tokens[0, e))};
 * a shorter last chunk starting at s under {@code t-H(tokens[0, s))} (its own tokens are checked when loaded);
 * the tables a chunk was coded with under {@code h-SHA256(tables header)}.
 */
public final class ChunkKeys {
    private ChunkKeys() {}

    public static String full(ModelFingerprint fp, int chunkTokens, int[] tokens, int end) {
        return "c-" + prefixHash(fp, chunkTokens, tokens, end);
    }

    public static String tail(ModelFingerprint fp, int chunkTokens, int[] tokens, int start) {
        return "t-" + prefixHash(fp, chunkTokens, tokens, start);
    }

    public static String tables(byte[] tablesHeader) {
        return "h-" + HexFormat.of().formatHex(sha256().digest(tablesHeader));
    }

    static String prefixHash(ModelFingerprint fp, int chunkTokens, int[] tokens, int end) {
        if (end < 0 || end > tokens.length)
            throw new IllegalArgumentException("prefix end " + end + " is outside [0, " + tokens.length + "]");
        MessageDigest md = sha256();
        md.update("squeeze-kv-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        md.update(fp.hash());
        byte[] b = new byte[4 * (end + 1)];
        put(b, 0, chunkTokens);
        for (int i = 0; i < end; i++) put(b, 4 * (i + 1), tokens[i]);
        md.update(b);
        return HexFormat.of().formatHex(md.digest());
    }

    private static void put(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
