package dev.squeeze.encoder.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * SentencePiece's precompiled_charsmap: {@code u32 trie_bytes (LE) | trie: trie_bytes / 4 u32 units (LE) |
 * replacements: NUL-terminated UTF-8 strings}. The trie is a Darts-clone double array over UTF-8 bytes: a unit holds
 * a label (bits 0-7, bit 31 set on value units so they never match a label), a has-leaf flag (bit 8) and an offset
 * ({@code (unit >>> 10) << ((unit & (1 << 9)) >>> 6)}); from node position p, byte c leads to {@code p ^ offset ^ c}
 * when that unit's label is c; a node with a leaf keeps its value (bits 0-30, an offset into the replacements) at
 * {@code p ^ offset}. At load every node reachable from the root is visited once and every replacement it can
 * yield is checked (in range, NUL-terminated, valid UTF-8), so a corrupt map fails there, naming the offset, and
 * lookups never fail; a transition that leaves the array matches nothing (a valid Darts array never leaves it).
 */
final class PrecompiledCharsMap {
    private final int[] units;
    private final byte[] replacements;

    PrecompiledCharsMap(byte[] blob) {
        if (blob.length < 4)
            throw new IllegalArgumentException(
                    "precompiled_charsmap is " + blob.length + " bytes, shorter than its 4-byte header");
        ByteBuffer bb = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = bb.getInt(0) & 0xFFFFFFFFL;
        if (trieBytes % 4 != 0 || trieBytes > blob.length - 4L || trieBytes == 0) {
            throw new IllegalArgumentException(
                    "precompiled_charsmap trie size " + trieBytes + " (bytes at offset 0) does not fit the "
                            + blob.length + "-byte map or is not a positive multiple of 4");
        }
        units = new int[(int) (trieBytes / 4)];
        for (int i = 0; i < units.length; i++) units[i] = bb.getInt(4 + 4 * i);
        int start = 4 + (int) trieBytes;
        replacements = java.util.Arrays.copyOfRange(blob, start, blob.length);
        validate();
    }

    /** Depth-first over every node reachable from the root (each position once), checking each leaf's replacement. */
    private void validate() {
        java.util.BitSet seen = new java.util.BitSet(units.length);
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        stack.push(offset(units[0])); // the root's child base
        while (!stack.isEmpty()) {
            int base = stack.pop();
            for (int c = 1; c < 256; c++) {
                int pos = base ^ c;
                if (pos < 0 || pos >= units.length || seen.get(pos)) continue;
                int u = units[pos];
                if (label(u) != c) continue;
                seen.set(pos);
                int child = pos ^ offset(u);
                if (hasLeaf(u)) {
                    if (child < 0 || child >= units.length) {
                        throw new IllegalArgumentException("precompiled_charsmap: the leaf of trie unit " + pos
                                + " points to unit " + child + " outside its " + units.length + " units");
                    }
                    replacement(value(units[child]));
                }
                stack.push(child);
            }
        }
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static boolean hasLeaf(int unit) {
        return ((unit >>> 8) & 1) == 1;
    }

    private static int label(int unit) {
        return unit & ((1 << 31) | 0xFF);
    }

    private static int value(int unit) {
        return unit & 0x7FFFFFFF;
    }

    /** The unit at pos, or 0 (which matches no label) outside the array. */
    private int unit(int pos) {
        return pos >= 0 && pos < units.length ? units[pos] : 0;
    }

    /**
     * The replacement for the shortest key that is a prefix of {@code key} (the first result of Darts' common prefix
     * search, as the Hugging Face port takes it), or null; a NUL byte ends the key.
     */
    @Nullable
    String firstPrefixReplacement(byte[] key) {
        int pos = 0;
        int u = unit(pos);
        pos ^= offset(u);
        for (byte b : key) {
            int c = b & 0xFF;
            if (c == 0) break;
            pos ^= c;
            u = unit(pos);
            if (label(u) != c) return null;
            pos ^= offset(u);
            if (hasLeaf(u)) return replacement(value(unit(pos)));
        }
        return null;
    }

    private String replacement(int at) {
        if (at >= replacements.length) {
            throw new IllegalArgumentException("precompiled_charsmap replacement offset " + at + " is past the "
                    + replacements.length + "-byte replacement table");
        }
        int end = at;
        while (end < replacements.length && replacements[end] != 0) end++;
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(replacements, at, end - at))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "precompiled_charsmap replacement at offset " + at + " is not valid UTF-8");
        }
    }
}
