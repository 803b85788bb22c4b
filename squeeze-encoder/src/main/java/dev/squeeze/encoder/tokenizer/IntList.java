package dev.squeeze.encoder.tokenizer;

import java.util.Arrays;

/** A growable int array (token ids), so encoding does not box. */
final class IntList {
    private int[] a = new int[16];
    private int n;

    void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, n * 2);
        a[n++] = v;
    }

    int size() {
        return n;
    }

    int get(int i) {
        return a[i];
    }

    /** Drops entries from index n on. */
    void truncate(int size) {
        if (size < 0 || size > n) throw new IndexOutOfBoundsException("truncate to " + size + " of " + n);
        n = size;
    }

    int[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
