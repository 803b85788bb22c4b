package dev.squeeze.encoder.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a SentencePiece precompiled_charsmap (u32 trie bytes | Darts-clone double-array units | NUL-terminated
 * replacements) for a set of rules, so tests can give a Precompiled normaliser to both our tokenizer and the Rust
 * reference. Units: label in bits 0-7, has-leaf in bit 8, offset in bits 10-31 (offsets stay below 2^21, so bit 9,
 * the extended-offset flag, stays 0); a node's children sit at {@code pos ^ offset ^ label}, its value unit (bit 31
 * set) at {@code pos ^ offset}; every node gets its own base.
 */
public final class CharsMapBuilder {
    private CharsMapBuilder() {}

    private static final class Node {
        final TreeMap<Integer, Node> kids = new TreeMap<>();
        int value = -1;
        int pos;
    }

    public static byte[] build(Map<String, String> rules) {
        ByteArrayOutputStream repl = new ByteArrayOutputStream();
        Node root = new Node();
        for (Map.Entry<String, String> r : new TreeMap<>(rules).entrySet()) {
            byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
            Node n = root;
            for (byte b : key) n = n.kids.computeIfAbsent(b & 0xFF, k -> new Node());
            n.value = repl.size();
            byte[] v = r.getValue().getBytes(StandardCharsets.UTF_8);
            repl.write(v, 0, v.length);
            repl.write(0);
        }
        int[] units = new int[1 << 12];
        BitSet used = new BitSet();
        Set<Integer> bases = new HashSet<>();
        used.set(0);
        root.pos = 0;
        ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(root);
        int size = 1;
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            List<Integer> labels = new ArrayList<>(n.kids.keySet());
            if (n.value >= 0) labels.add(0);
            if (labels.isEmpty()) continue;
            int base = 1;
            while (!fits(base, labels, used, bases)) base++;
            bases.add(base);
            int offset = n.pos ^ base;
            if (offset >= (1 << 21)) throw new IllegalStateException("offset too large for this builder");
            for (int c : labels) used.set(base ^ c);
            size = Math.max(size, used.length());
            if (units.length < size + 256) units = Arrays.copyOf(units, Math.max(units.length * 2, size + 256));
            int label = n == root ? 0 : units[n.pos] & 0xFF;
            units[n.pos] = label | (n.value >= 0 ? 1 << 8 : 0) | (offset << 10);
            if (n.value >= 0) units[base] = n.value | (1 << 31);
            for (Map.Entry<Integer, Node> k : n.kids.entrySet()) {
                Node child = k.getValue();
                child.pos = base ^ k.getKey();
                units[child.pos] = k.getKey();
                queue.add(child);
            }
        }
        byte[] r = repl.toByteArray();
        ByteBuffer bb = ByteBuffer.allocate(4 + 4 * size + r.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(4 * size);
        for (int i = 0; i < size; i++) bb.putInt(units[i]);
        bb.put(r);
        return bb.array();
    }

    private static boolean fits(int base, List<Integer> labels, BitSet used, Set<Integer> bases) {
        if (bases.contains(base)) return false;
        for (int c : labels) {
            int p = base ^ c;
            if (p == 0 || used.get(p)) return false;
        }
        return true;
    }
}
