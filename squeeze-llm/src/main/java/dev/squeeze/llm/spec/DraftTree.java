package dev.squeeze.llm.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The static shape of a Token Recycling draft tree: node 0 is the root (the last accepted token); every other node
 * is the {@code rank}-th candidate (0 = most likely) that the adjacency matrix stores for its parent's token. Nodes
 * are in breadth-first order (depth by depth), so a parent always precedes its children.
 *
 * <p>{@link #paper()} is the default template of the paper's reference implementation (tree version 2.2.2): 80
 * nodes up to depth 6, widest near the root (8, 21, 25, 15, 8, 3 nodes per depth). {@link #maxRank} keeps the nodes
 * whose every step is one of the first candidates, a narrower tree of the same depth for machines where verifying a
 * node costs real compute (a CPU), not only memory traffic.
 */
public final class DraftTree {
    private final int[][] paths; // per non-root node: the candidate ranks from the root
    private final int[] parents; // (nodes + 1), root first (-1)
    private final int[] ranks; // (nodes + 1)
    private final int[] depths; // (nodes + 1)

    /** A tree from root-to-node rank paths; every prefix of a path must itself be a path listed before it. */
    public static DraftTree of(List<int[]> paths) {
        List<int[]> sorted = new ArrayList<>(paths);
        sorted.sort((a, b) -> a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compare(a, b));
        return new DraftTree(sorted.toArray(new int[0][]));
    }

    private DraftTree(int[][] paths) {
        this.paths = paths;
        int n = paths.length + 1;
        parents = new int[n];
        ranks = new int[n];
        depths = new int[n];
        parents[0] = -1;
        for (int i = 0; i < paths.length; i++) {
            int[] p = paths[i];
            if (p.length == 0)
                throw new IllegalArgumentException("a draft path must not be empty (the root is implicit)");
            for (int r : p)
                if (r < 0)
                    throw new IllegalArgumentException(
                            "candidate rank " + r + " in path " + Arrays.toString(p) + " is negative");
            int parent = 0;
            if (p.length > 1) {
                int[] prefix = Arrays.copyOf(p, p.length - 1);
                parent = -1;
                for (int j = 0; j < i; j++) if (Arrays.equals(paths[j], prefix)) parent = j + 1;
                if (parent < 0)
                    throw new IllegalArgumentException("path " + Arrays.toString(p) + " has no parent "
                            + Arrays.toString(prefix) + " in the tree");
            }
            for (int j = 0; j < i; j++) {
                if (Arrays.equals(paths[j], p))
                    throw new IllegalArgumentException("path " + Arrays.toString(p) + " is listed twice");
            }
            parents[i + 1] = parent;
            ranks[i + 1] = p[p.length - 1];
            depths[i + 1] = p.length;
        }
    }

    /** Nodes including the root. */
    public int size() {
        return parents.length;
    }

    /** Parent of each node (root: -1), breadth-first. */
    public int[] parents() {
        return parents.clone();
    }

    int parent(int node) {
        return parents[node];
    }

    /** Which candidate of its parent's token node i is. */
    int rank(int node) {
        return ranks[node];
    }

    public int depth(int node) {
        return depths[node];
    }

    public int maxDepth() {
        return depths[depths.length - 1];
    }

    /** The largest candidate rank used (the adjacency matrix needs at least this + 1 candidates per token). */
    public int widestRank() {
        return Arrays.stream(ranks).max().orElse(0);
    }

    /** The nodes whose every rank is at most {@code rank} (and at most {@code depth} deep). */
    public DraftTree maxRank(int rank) {
        return filter(rank, Integer.MAX_VALUE);
    }

    /** The nodes at most {@code depth} deep. */
    public DraftTree maxDepth(int depth) {
        return filter(Integer.MAX_VALUE, depth);
    }

    private DraftTree filter(int rank, int depth) {
        List<int[]> keep = new ArrayList<>();
        for (int[] p : paths) if (p.length <= depth && Arrays.stream(p).allMatch(r -> r <= rank)) keep.add(p);
        return new DraftTree(keep.toArray(new int[0][]));
    }

    /** The reference implementation's default template (version 2.2.2): 80 nodes, depth 6. */
    public static DraftTree paper() {
        int[][] p = {
            {0},
            {1},
            {2},
            {3},
            {4},
            {5},
            {6},
            {7},
            {0, 0},
            {0, 1},
            {0, 2},
            {0, 3},
            {0, 4},
            {0, 5},
            {0, 6},
            {0, 7},
            {1, 0},
            {1, 1},
            {1, 2},
            {1, 3},
            {2, 0},
            {2, 1},
            {2, 2},
            {3, 0},
            {3, 1},
            {4, 0},
            {5, 0},
            {6, 0},
            {7, 0},
            {0, 0, 0},
            {0, 0, 1},
            {0, 0, 2},
            {0, 0, 3},
            {0, 0, 4},
            {0, 0, 5},
            {0, 0, 6},
            {0, 0, 7},
            {0, 1, 0},
            {0, 1, 1},
            {0, 1, 2},
            {0, 2, 0},
            {0, 2, 1},
            {0, 3, 0},
            {0, 4, 0},
            {0, 5, 0},
            {0, 6, 0},
            {0, 7, 0},
            {1, 0, 0},
            {1, 0, 1},
            {1, 1, 0},
            {2, 0, 0},
            {3, 0, 0},
            {4, 0, 0},
            {5, 0, 0},
            {0, 0, 0, 0},
            {0, 0, 0, 1},
            {0, 0, 0, 2},
            {0, 0, 0, 3},
            {0, 0, 0, 4},
            {0, 0, 1, 0},
            {0, 0, 1, 1},
            {0, 0, 2, 0},
            {0, 0, 3, 0},
            {0, 0, 4, 0},
            {0, 1, 0, 0},
            {0, 2, 0, 0},
            {1, 0, 0, 0},
            {2, 0, 0, 0},
            {3, 0, 0, 0},
            {0, 0, 0, 0, 0},
            {0, 0, 0, 0, 1},
            {0, 0, 0, 0, 2},
            {0, 0, 0, 1, 0},
            {0, 0, 0, 2, 0},
            {0, 0, 1, 0, 0},
            {0, 1, 0, 0, 0},
            {1, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 1},
            {0, 0, 0, 1, 0, 0},
        };
        return new DraftTree(p);
    }

    @Override
    public String toString() {
        int[] perDepth = new int[maxDepth() + 1];
        for (int d : depths) perDepth[d]++;
        return "DraftTree(" + (size() - 1) + " nodes, per depth "
                + Arrays.toString(Arrays.copyOfRange(perDepth, 1, perDepth.length)) + ")";
    }
}
