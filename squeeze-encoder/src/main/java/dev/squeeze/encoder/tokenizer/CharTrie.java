package dev.squeeze.encoder.tokenizer;

import java.util.Arrays;

/**
 * A read-only trie over the UTF-16 characters of a set of strings, flattened into arrays (a node's edges are
 * contiguous and sorted by character, found by binary search), so a 250,000-piece SentencePiece vocabulary costs a
 * few bytes per edge. Built from the sorted entries, without per-node objects. {@link #prefixes} lists the entries
 * that are prefixes of a text from a position, shortest first. For duplicate strings the last id wins (as a
 * HashMap insert in the reference).
 */
final class CharTrie {
    private int[] childStart = new int[1024]; // per node: first edge index
    private int[] childCount = new int[1024]; // per node: number of edges
    private int[] value = new int[1024]; // per node: entry id ending here, or -1
    private char[] edgeLabel = new char[1024]; // per edge, sorted within a node
    private int[] edgeTarget = new int[1024]; // per edge: child node
    private int nodes, edges;

    CharTrie(String[] entries) {
        Integer[] order = new Integer[entries.length];
        int n = 0;
        for (int i = 0; i < entries.length; i++) if (entries[i] != null && !entries[i].isEmpty()) order[n++] = i;
        Integer[] sorted = Arrays.copyOf(order, n);
        Arrays.sort(sorted, (a, b) -> {
            int c = entries[a].compareTo(entries[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        String[] keys = new String[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = entries[sorted[i]];
            ids[i] = sorted[i];
        }
        int root = newNode();
        build(root, keys, ids, 0, n, 0);
        childStart = Arrays.copyOf(childStart, nodes);
        childCount = Arrays.copyOf(childCount, nodes);
        value = Arrays.copyOf(value, nodes);
        edgeLabel = Arrays.copyOf(edgeLabel, edges);
        edgeTarget = Arrays.copyOf(edgeTarget, edges);
    }

    /** keys[lo, hi) share their first {@code depth} characters and end at or below {@code node}. */
    private void build(int node, String[] keys, int[] ids, int lo, int hi, int depth) {
        while (lo < hi && keys[lo].length() == depth) value[node] = ids[lo++]; // sorted: exact matches first
        int groups = 0;
        for (int i = lo; i < hi; i++) if (i == lo || keys[i].charAt(depth) != keys[i - 1].charAt(depth)) groups++;
        int first = edges;
        ensureEdges(edges + groups);
        edges += groups;
        childStart[node] = first;
        childCount[node] = groups;
        int e = first;
        for (int i = lo; i < hi; ) {
            char c = keys[i].charAt(depth);
            int j = i + 1;
            while (j < hi && keys[j].charAt(depth) == c) j++;
            int child = newNode();
            edgeLabel[e] = c;
            edgeTarget[e] = child;
            e++;
            build(child, keys, ids, i, j, depth + 1);
            i = j;
        }
    }

    private int newNode() {
        if (nodes == value.length) {
            int cap = nodes * 2;
            childStart = Arrays.copyOf(childStart, cap);
            childCount = Arrays.copyOf(childCount, cap);
            value = Arrays.copyOf(value, cap);
        }
        value[nodes] = -1;
        return nodes++;
    }

    private void ensureEdges(int need) {
        if (need <= edgeLabel.length) return;
        int cap = Math.max(need, edgeLabel.length * 2);
        edgeLabel = Arrays.copyOf(edgeLabel, cap);
        edgeTarget = Arrays.copyOf(edgeTarget, cap);
    }

    /** Calls {@code visitor} with (entry id, end index) for every entry equal to text[from, end), by increasing end. */
    void prefixes(String text, int from, PrefixVisitor visitor) {
        int node = 0;
        for (int i = from; i < text.length(); i++) {
            node = child(node, text.charAt(i));
            if (node < 0) return;
            if (value[node] >= 0) visitor.found(value[node], i + 1);
        }
    }

    private int child(int node, char c) {
        int lo = childStart[node], hi = lo + childCount[node] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char m = edgeLabel[mid];
            if (m < c) lo = mid + 1;
            else if (m > c) hi = mid - 1;
            else return edgeTarget[mid];
        }
        return -1;
    }

    @FunctionalInterface
    interface PrefixVisitor {
        void found(int id, int end);
    }
}
