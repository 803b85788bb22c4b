package dev.squeeze.text;

import java.util.Arrays;

/**
 * Interns lower-cased char ranges to dense term ids without allocating a String per occurrence
 * (open addressing, linear probing). One per compression call; not thread-safe.
 */
final class TermTable {
    private int[] slots; // term id + 1, 0 = empty
    private int[] hashes; // by term id
    private int[] starts; // by term id: offset in pool
    private int[] lengths; // by term id
    private char[] pool;
    private int poolSize;
    private int size;

    TermTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(64, expected * 2)) << 1;
        slots = new int[cap];
        hashes = new int[Math.max(16, expected)];
        starts = new int[hashes.length];
        lengths = new int[hashes.length];
        pool = new char[Math.max(256, expected * 6)];
    }

    int size() {
        return size;
    }

    static char lower(char c) {
        if (c < 128) return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
        return Character.toLowerCase(c);
    }

    /** Id of the lower-cased {@code s[from, to)}, adding it when new. */
    int intern(String s, int from, int to) {
        int h = hash(s, from, to);
        int mask = slots.length - 1;
        int i = h & mask;
        while (true) {
            int id = slots[i] - 1;
            if (id < 0) break;
            if (hashes[id] == h && equal(id, s, from, to)) return id;
            i = (i + 1) & mask;
        }
        int id = add(s, from, to, h);
        slots[i] = id + 1;
        if (size * 2 > slots.length) rehash();
        return id;
    }

    /** Id of the lower-cased range, or -1 when absent. */
    int find(String s, int from, int to) {
        int h = hash(s, from, to);
        int mask = slots.length - 1;
        int i = h & mask;
        while (true) {
            int id = slots[i] - 1;
            if (id < 0) return -1;
            if (hashes[id] == h && equal(id, s, from, to)) return id;
            i = (i + 1) & mask;
        }
    }

    String term(int id) {
        return new String(pool, starts[id], lengths[id]);
    }

    int length(int id) {
        return lengths[id];
    }

    private static int hash(String s, int from, int to) {
        int h = 0x811C9DC5;
        for (int k = from; k < to; k++) h = (h ^ lower(s.charAt(k))) * 0x01000193;
        return h ^ (h >>> 16);
    }

    private boolean equal(int id, String s, int from, int to) {
        int len = to - from;
        if (lengths[id] != len) return false;
        int p = starts[id];
        for (int k = 0; k < len; k++) if (pool[p + k] != lower(s.charAt(from + k))) return false;
        return true;
    }

    private int add(String s, int from, int to, int h) {
        int len = to - from;
        if (size == hashes.length) {
            int n = size * 2;
            hashes = Arrays.copyOf(hashes, n);
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        if (poolSize + len > pool.length) pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + len));
        for (int k = 0; k < len; k++) pool[poolSize + k] = lower(s.charAt(from + k));
        hashes[size] = h;
        starts[size] = poolSize;
        lengths[size] = len;
        poolSize += len;
        return size++;
    }

    private void rehash() {
        int[] n = new int[slots.length * 2];
        int mask = n.length - 1;
        for (int id = 0; id < size; id++) {
            int i = hashes[id] & mask;
            while (n[i] != 0) i = (i + 1) & mask;
            n[i] = id + 1;
        }
        slots = n;
    }
}
