package dev.squeeze.core.transform;

/** How an output token's position is derived from the positions of the tokens it stands for. */
public enum PositionMode {
    /** The position of its highest-weight source (ties: the earliest). Kept tokens keep their position id. */
    REPRESENTATIVE,
    /** The weight-averaged position sum_j w_j p_j / sum_j w_j. */
    WEIGHTED
}
