package dev.squeeze.vision;

import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import java.util.Optional;

/**
 * A visual-token method that reduces in several steps along the model's depth (ToMe and DiffRate inside every
 * block, PyramidDrop at stage boundaries, ToDRE at the encoder output and at the end). The method knows only
 * "stage s of S" ({@link #placement} says what a stage is); the model adapter decides which of its blocks that is.
 */
public interface StagedReducer {

    /** Where a model puts the stages. */
    enum Placement {
        /** Stage l inside block l of the S blocks (after attention, before the MLP), l = 0..S-1, then stage S after the last block. */
        EVERY_BLOCK,
        /** Stage s at the boundary before block s, s = 1..S-1 (S blocks). */
        BLOCK_BOUNDARIES,
        /** S = 2: stage 0 where the vision encoder hands its tokens over, stage 1 after the language model's last layer. */
        ENCODER_OUTPUT_AND_END
    }

    /** Catalog name, also used in error messages. */
    String name();

    Placement placement();

    /**
     * Checks a budget and stage count before a run (e.g. a given per-stage plan must end at the budget), so a bad
     * configuration fails before any token is processed.
     */
    default void validate(int originalCount, int stages, Budget budget) {}

    /**
     * The transform at stage {@code stage} of {@code stages}, towards {@code budget} of the {@code in.originalCount()}
     * tokens; empty when this stage leaves the tokens as they are.
     */
    Optional<TokenTransform> reduce(VisualTokens in, int stage, int stages, Budget budget);
}
